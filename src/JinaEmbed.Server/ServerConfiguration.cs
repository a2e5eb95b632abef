// Where server settings come from, lowest precedence first: appsettings.json (section "JinaEmbed"),
// JINAEMBED_* environment variables, then explicit overrides (the serve command's flags).
using System.Collections;
using Microsoft.Extensions.Configuration;

namespace JinaEmbed.Server;

/// <summary>Builds <see cref="ServerOptions"/> from the usual .NET configuration sources.</summary>
public static class ServerConfiguration
{
    /// <summary>
    /// The environment variable prefix: <c>JINAEMBED_PORT=9000</c>, <c>JINAEMBED_APIKEY=…</c>; single underscores inside
    /// a name are ignored (<c>JINAEMBED_DEFAULT_TRUNCATE</c> = <c>JINAEMBED_DEFAULTTRUNCATE</c>), <c>__</c> indexes lists.
    /// </summary>
    public const string EnvironmentPrefix = "JINAEMBED_";

    /// <summary>Loads the options; <paramref name="overrides"/> keys are property names (<c>Port</c>, <c>ApiKey</c>, …).</summary>
    /// <param name="directory">Folder holding appsettings.json; null: the current directory.</param>
    /// <param name="overrides">Values that win over files and environment; null values are skipped.</param>
    public static ServerOptions Load(string? directory = null, IEnumerable<KeyValuePair<string, string?>>? overrides = null)
        => Load(directory, overrides, Environment.GetEnvironmentVariables());

    /// <summary>Loads the options with <paramref name="environment"/> in place of the process's variables.</summary>
    internal static ServerOptions Load(string? directory, IEnumerable<KeyValuePair<string, string?>>? overrides, IDictionary environment)
    {
        var options = new ServerOptions();
        var files = new ConfigurationBuilder()
            .SetBasePath(Path.GetFullPath(directory ?? Directory.GetCurrentDirectory()))
            .AddJsonFile("appsettings.json", optional: true, reloadOnChange: false)
            .Build();
        files.GetSection(ServerOptions.SectionName).Bind(options);
        new ConfigurationBuilder().AddInMemoryCollection(EnvironmentSettings(environment)).Build().Bind(options);
        if (overrides != null)
        {
            new ConfigurationBuilder().AddInMemoryCollection(overrides.Where(o => o.Value != null)).Build().Bind(options);
        }

        return options;
    }

    /// <summary>JINAEMBED_MAX_BATCH_TOKENS → MAXBATCHTOKENS, JINAEMBED_CORSORIGINS__0 → CORSORIGINS:0 (binding ignores case).</summary>
    private static IEnumerable<KeyValuePair<string, string?>> EnvironmentSettings(IDictionary environment)
    {
        foreach (DictionaryEntry variable in environment)
        {
            if (variable.Key is string name && name.StartsWith(EnvironmentPrefix, StringComparison.OrdinalIgnoreCase) && name.Length > EnvironmentPrefix.Length)
            {
                var path = name[EnvironmentPrefix.Length..].Split("__").Select(part => part.Replace("_", string.Empty, StringComparison.Ordinal));
                yield return new(string.Join(ConfigurationPath.KeyDelimiter, path), variable.Value as string);
            }
        }
    }
}
