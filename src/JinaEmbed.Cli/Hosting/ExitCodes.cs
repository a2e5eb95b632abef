// Process exit codes of jinaembed, one per failure family, so scripts can react (documented in docs/cli.md).
using JinaEmbed.Hub;

namespace JinaEmbed.Cli.Hosting;

internal static class ExitCodes
{
    public const int Success = 0;
    public const int Failure = 1;
    public const int Usage = 2;
    public const int Unauthorized = 3;
    public const int NotFound = 4;
    public const int Unavailable = 5;
    public const int Corrupt = 6;

    /// <summary>The exit code for a hub failure.</summary>
    public static int For(HubException error) => error.Kind switch
    {
        HubErrorKind.InvalidModelId => Usage,
        HubErrorKind.Unauthorized => Unauthorized,
        HubErrorKind.RepositoryNotFound or HubErrorKind.RevisionNotFound or HubErrorKind.FileNotFound => NotFound,
        HubErrorKind.NotInCache or HubErrorKind.Network => Unavailable,
        HubErrorKind.Integrity => Corrupt,
        _ => Failure,
    };

    /// <summary>Prints the hub error's message (it names the next step) and returns its exit code.</summary>
    public static int Report(HubException error, TextWriter writer)
    {
        writer.WriteLine($"error: {error.Message}");
        return For(error);
    }
}
