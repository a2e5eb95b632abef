// Where the hub is, who we are and where the cache lives; read from the same environment variables as
// huggingface_hub (HF_ENDPOINT, HF_TOKEN, HF_HOME, HF_HUB_CACHE, HF_HUB_OFFLINE) so both tools share one cache.
namespace JinaEmbed.Hub;

/// <summary>Settings of the hub client. <see cref="FromEnvironment()"/> reads them like huggingface_hub does.</summary>
public sealed record HubOptions
{
    /// <summary>The public hub.</summary>
    public const string DefaultEndpoint = "https://huggingface.co";

    /// <summary>
    /// The files a snapshot needs by default: the JSON configs (config, tokenizer, shard index, preprocessor), the
    /// safetensors weights or their shards, and jina-embeddings-v4's PEFT adapters folder.
    /// </summary>
    /// <remarks>
    /// Patterns match a repository path; <c>*</c> stays within one folder. ONNX exports and code are skipped. Shards that
    /// <c>model.safetensors.index.json</c> lists are fetched even when their names match no pattern.
    /// </remarks>
    public static readonly IReadOnlyList<string> DefaultAllowPatterns =
        ["*.json", "*/config.json", "model.safetensors", "model-*-of-*.safetensors", "adapters/adapter_config.json", "adapters/adapter_model.safetensors", "README.md"];

    /// <summary>Base URL of the hub (HF_ENDPOINT), without a trailing slash.</summary>
    public string Endpoint { get; init; } = DefaultEndpoint;

    /// <summary>Bearer token (HF_TOKEN, else the token file); null sends no Authorization header.</summary>
    public string? Token { get; init; }

    /// <summary>
    /// The hub cache folder that holds <c>models--org--name</c>: <see cref="FromEnvironment()"/> takes HF_HUB_CACHE, else
    /// $HF_HOME/hub; a plain <c>new HubOptions()</c> uses ~/.cache/huggingface/hub.
    /// </summary>
    public string CacheDirectory { get; init; } = Path.Combine(DefaultHome(_ => null), "hub");

    /// <summary>Use the cache only and never touch the network (HF_HUB_OFFLINE=1).</summary>
    public bool Offline { get; init; }

    /// <summary>Repository paths to download (see <see cref="DefaultAllowPatterns"/>).</summary>
    public IReadOnlyList<string> AllowPatterns { get; init; } = DefaultAllowPatterns;

    /// <summary>How often a broken transfer is resumed (with an HTTP Range request) before giving up.</summary>
    public int MaxRetries { get; init; } = 3;

    /// <summary>Time allowed for one metadata request and for each read of a download (not for a whole file).</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Reads the options from the process environment.</summary>
    public static HubOptions FromEnvironment() => FromEnvironment(Environment.GetEnvironmentVariable);

    /// <summary>Reads the options from an environment lookup (so tests need not touch the process environment).</summary>
    public static HubOptions FromEnvironment(Func<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        var home = DefaultHome(environment);
        var cache = NonEmpty(environment("HF_HUB_CACHE")) ?? NonEmpty(environment("HUGGINGFACE_HUB_CACHE")) ?? Path.Combine(home, "hub");
        var endpoint = NonEmpty(environment("HF_ENDPOINT"))?.TrimEnd('/') ?? DefaultEndpoint;
        return new HubOptions
        {
            Endpoint = endpoint,
            Token = ReadToken(environment, home),
            CacheDirectory = ExpandHome(cache),
            Offline = IsTrue(environment("HF_HUB_OFFLINE")),
        };
    }

    // huggingface_hub: HF_HOME, else $XDG_CACHE_HOME/huggingface, else ~/.cache/huggingface.
    private static string DefaultHome(Func<string, string?> environment)
    {
        var home = NonEmpty(environment("HF_HOME"));
        if (home != null)
        {
            return ExpandHome(home);
        }

        var xdg = NonEmpty(environment("XDG_CACHE_HOME"));
        var cacheRoot = xdg != null ? ExpandHome(xdg) : Path.Combine(UserHome(), ".cache");
        return Path.Combine(cacheRoot, "huggingface");
    }

    // HF_TOKEN wins over the token file ($HF_TOKEN_PATH, default $HF_HOME/token) that `huggingface-cli login` writes.
    private static string? ReadToken(Func<string, string?> environment, string home)
    {
        var token = NonEmpty(environment("HF_TOKEN")) ?? NonEmpty(environment("HUGGING_FACE_HUB_TOKEN"));
        if (token != null)
        {
            return token.Trim();
        }

        var path = ExpandHome(NonEmpty(environment("HF_TOKEN_PATH")) ?? Path.Combine(home, "token"));
        try
        {
            return File.Exists(path) ? NonEmpty(File.ReadAllText(path).Trim()) : null;
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>huggingface_hub's truthy values: 1, ON, YES, TRUE (any case).</summary>
    internal static bool IsTrue(string? value) =>
        value != null && value.Trim().ToUpperInvariant() is "1" or "ON" or "YES" or "TRUE";

    private static string? NonEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;

    private static string UserHome() => Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);

    private static string ExpandHome(string path) =>
        path == "~" ? UserHome()
        : path.StartsWith("~/", StringComparison.Ordinal) ? Path.Combine(UserHome(), path[2..])
        : path;
}
