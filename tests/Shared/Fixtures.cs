// Shared by both test projects. Locates ../shared (fixtures, datasets, tools) relative to the repository; JINAEMBED_SHARED overrides it.
namespace JinaEmbed.Testing;

internal static class Fixtures
{
    private static readonly Lazy<string> SharedRoot = new(FindShared);

    /// <summary>The shared folder beside the checkout.</summary>
    public static string Shared => SharedRoot.Value;

    /// <summary>A path under ../shared/fixtures; fails (never skips) when it is absent.</summary>
    public static string Path(params string[] parts)
    {
        var path = System.IO.Path.Combine([Shared, "fixtures", .. parts]);
        if (!File.Exists(path) && !Directory.Exists(path))
        {
            throw new FileNotFoundException($"Fixture not found: {path}");
        }

        return path;
    }

    private static string FindShared()
    {
        var env = Environment.GetEnvironmentVariable("JINAEMBED_SHARED");
        if (!string.IsNullOrEmpty(env))
        {
            return env;
        }

        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "JinaEmbed.slnx")))
            {
                var shared = System.IO.Path.Combine(dir.Parent?.FullName ?? dir.FullName, "shared");
                if (Directory.Exists(shared))
                {
                    return shared;
                }

                throw new DirectoryNotFoundException($"Expected the shared folder beside the checkout at {shared}; set JINAEMBED_SHARED.");
            }
        }

        throw new DirectoryNotFoundException("Could not find the repository root (JinaEmbed.slnx); set JINAEMBED_SHARED.");
    }
}
