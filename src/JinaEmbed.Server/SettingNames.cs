// How a user sets a server option, for error messages ("Limits name their setting", api.md Client compatibility):
// the serve command's flag and the configuration key (appsettings.json section JinaEmbed, or JINAEMBED_<KEY>).
namespace JinaEmbed.Server;

/// <summary>Flag and configuration key of a <see cref="ServerOptions"/> property.</summary>
internal static class SettingNames
{
    /// <summary>The serve command's flag for a property.</summary>
    public static string Flag(string property) => property switch
    {
        nameof(ServerOptions.ImageUrlTimeoutSeconds) => "--image-url-timeout",
        nameof(ServerOptions.ModelName) => "--served-model-name",
        nameof(ServerOptions.MaxTokensPerRequest) => "--max-request-tokens",
        nameof(ServerOptions.MaxItemsPerRequest) => "--max-request-items",
        _ => "--" + string.Concat(property.Select((c, i) => char.IsUpper(c) ? (i > 0 ? "-" : string.Empty) + char.ToLowerInvariant(c) : c.ToString())),
    };

    /// <summary>The configuration key of a property (<c>JinaEmbed:MaxImagePixels</c>).</summary>
    public static string Key(string property) => $"{ServerOptions.SectionName}:{property}";

    /// <summary><c>--max-image-pixels (configuration key JinaEmbed:MaxImagePixels)</c>.</summary>
    public static string Describe(string property) => $"{Flag(property)} (configuration key {Key(property)})";
}
