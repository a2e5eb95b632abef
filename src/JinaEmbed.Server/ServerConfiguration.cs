// Where server settings come from, lowest precedence first: appsettings.json (section "JinaEmbed"),
// JINAEMBED_* environment variables, then explicit overrides (the serve command's flags).
using Microsoft.Extensions.Configuration;

namespace JinaEmbed.Server;

/// <summary>Builds <see cref="ServerOptions"/> from the usual .NET configuration sources.</summary>
public static class ServerConfiguration
{
    /// <summary>The environment variable prefix: <c>JINAEMBED_PORT=9000</c>, <c>JINAEMBED_APIKEY=…</c>.</summary>
    public const string EnvironmentPrefix = "JINAEMBED_";

    /// <summary>Loads the options; <paramref name="overrides"/> keys are property names (<c>Port</c>, <c>ApiKey</c>, …).</summary>
    /// <param name="directory">Folder holding appsettings.json; null: the current directory.</param>
    /// <param name="overrides">Values that win over files and environment; null values are skipped.</param>
    public static ServerOptions Load(string? directory = null, IEnumerable<KeyValuePair<string, string?>>? overrides = null)
    {
        var options = new ServerOptions();
        var files = new ConfigurationBuilder()
            .SetBasePath(Path.GetFullPath(directory ?? Directory.GetCurrentDirectory()))
            .AddJsonFile("appsettings.json", optional: true, reloadOnChange: false)
            .Build();
        files.GetSection(ServerOptions.SectionName).Bind(options);
        new ConfigurationBuilder().AddEnvironmentVariables(EnvironmentPrefix).Build().Bind(options);
        if (overrides != null)
        {
            new ConfigurationBuilder().AddInMemoryCollection(overrides.Where(o => o.Value != null)).Build().Bind(options);
        }

        return options;
    }
}
