// One server of `jinaembed embed --server`: what its GET /info says, how many requests it has in flight, and until
// when it is left alone after a 429/503 (its Retry-After) or a failure (exponential backoff).
namespace JinaEmbed.Cli.Fleet;

/// <summary>A server of the fleet and its health as this client sees it.</summary>
internal sealed class FleetServer(Uri baseAddress, int maxInFlight)
{
    public Uri BaseAddress { get; } = baseAddress;

    /// <summary>What GET /info answered; null until the server has answered once.</summary>
    public ServerInfo? Info { get; set; }

    /// <summary>Requests this client may have in flight on the server at once.</summary>
    public int MaxInFlight { get; } = maxInFlight;

    /// <summary>Requests in flight now (guarded by the fleet's lock).</summary>
    public int InFlight { get; set; }

    /// <summary>No request is sent before this time (a Retry-After, or backoff after a failure).</summary>
    public DateTimeOffset AvailableAt { get; set; } = DateTimeOffset.MinValue;

    /// <summary>Consecutive refusals and failures: the exponent of the next backoff; 0 after a success.</summary>
    public int ConsecutiveFailures { get; set; }

    public override string ToString() => BaseAddress.ToString().TrimEnd('/');
}

/// <summary>The parts of GET /info the bulk client uses.</summary>
/// <param name="Model">The served model name (part of a resumable run's settings).</param>
/// <param name="Tasks">Task names and the text each prepends (for the token estimate).</param>
/// <param name="MultiVector">The model has a multi-vector head.</param>
/// <param name="Images">The model embeds images.</param>
/// <param name="MaxImageTokens">Largest image prompt in tokens (0 for text-only models).</param>
/// <param name="MaxItemsPerRequest">Items one request may hold.</param>
/// <param name="MaxTokensPerRequest">Tokens one request may hold.</param>
/// <param name="MaxRequestBodyBytes">Bytes one request body may hold.</param>
/// <param name="MaxBatchTokens">The server's forward-pass token budget (the default request size).</param>
internal sealed record ServerInfo(
    string Model,
    IReadOnlyDictionary<string, string> Tasks,
    string? DefaultTask,
    bool MultiVector,
    bool Images,
    int MaxImageTokens,
    int MaxItemsPerRequest,
    int MaxTokensPerRequest,
    long MaxRequestBodyBytes,
    int MaxBatchTokens);
