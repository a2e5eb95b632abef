// Console logs as their reader needs them: one readable line per event on a terminal, one JSON object per line when
// the output goes to a file or a log collector (the LogFormat setting overrides either).
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;

namespace JinaEmbed.Server;

/// <summary>Chooses and installs the console log format.</summary>
internal static class ServerLogging
{
    public const string Auto = "auto";
    public const string Json = "json";
    public const string Text = "text";
    public const string None = "none";

    /// <summary>The format to use: <c>json</c>, <c>text</c> or <c>none</c>; <c>auto</c> follows <paramref name="terminal"/>.</summary>
    /// <exception cref="ArgumentException">An unknown format.</exception>
    public static string Resolve(string? format, bool terminal) => format?.Trim().ToLowerInvariant() switch
    {
        null or "" or Auto => terminal ? Text : Json,
        Json => Json,
        Text or "simple" => Text,
        None => None,
        _ => throw new ArgumentException($"LogFormat must be auto, json, text or none (got '{format}'); set it with {SettingNames.Describe(nameof(ServerOptions.LogFormat))}.", nameof(ServerOptions.LogFormat)),
    };

    /// <summary>Replaces the builder's providers by the console in the resolved format.</summary>
    public static void Configure(ILoggingBuilder logging, string? format)
    {
        logging.ClearProviders();
        switch (Resolve(format, terminal: !Console.IsOutputRedirected))
        {
            case Json:
                logging.AddJsonConsole(o => o.IncludeScopes = true);
                break;
            case Text:
                logging.AddSimpleConsole(o =>
                {
                    o.SingleLine = true;
                    o.TimestampFormat = "HH:mm:ss ";
                    o.ColorBehavior = LoggerColorBehavior.Default;
                });
                break;
        }
    }
}
