// Server settings, bound from appsettings.json, JINAEMBED_* environment variables and the serve command's flags
// (api.md "Batching and limits"). Each knob says what it trades off.
namespace JinaEmbed.Server;

/// <summary>Settings of one server instance; the configuration section is <c>JinaEmbed</c>.</summary>
public sealed class ServerOptions
{
    /// <summary>The configuration section (and, with <c>__</c> separators, the environment prefix <c>JINAEMBED_</c>).</summary>
    public const string SectionName = "JinaEmbed";

    /// <summary>Model folder or Hugging Face hub id; resolved by the host that creates the embedder.</summary>
    public string? Model { get; set; }

    /// <summary>Name the server reports in responses and <c>/v1/models</c>; null: the model folder's name.</summary>
    public string? ModelName { get; set; }

    /// <summary>Other names clients may send in <c>model</c> (for example the hub id).</summary>
    public List<string> ModelAliases { get; set; } = [];

    /// <summary>When true an unknown <c>model</c> is 404 <c>model_not_found</c>; when false it is ignored (clients often hard-code names).</summary>
    public bool StrictModelNames { get; set; }

    /// <summary>Address to bind; loopback by default so nothing is exposed by accident.</summary>
    public string Host { get; set; } = "127.0.0.1";

    /// <summary>TCP port; 0 picks a free one (tests).</summary>
    public int Port { get; set; } = 8080;

    /// <summary>When set, every route but /health, /ready and /metrics needs <c>Authorization: Bearer &lt;key&gt;</c>.</summary>
    public string? ApiKey { get; set; }

    /// <summary>Compute threads of the inference loop (≤ 0: one per core). Fewer leave cores for HTTP and tokenization.</summary>
    public int Threads { get; set; }

    /// <summary>
    /// Arithmetic of the linear layers: <c>Exact</c> (default; the reference path) or <c>Int8</c> (weights quantised at
    /// load: about half the memory and faster, at the fidelity measured in docs/int8.md).
    /// </summary>
    public JinaEmbed.Compute.Precision Precision { get; set; } = JinaEmbed.Compute.Precision.Exact;

    /// <summary>Task used when a request names none; <c>none</c> selects the base model.</summary>
    public string DefaultTask { get; set; } = "text-matching";

    /// <summary>
    /// <c>truncate</c> for requests that do not send it (OpenAI-dialect clients cannot). On: over-long inputs are cut
    /// silently instead of failing, so a client never learns that the end of its text was not embedded.
    /// </summary>
    public bool DefaultTruncate { get; set; }

    /// <summary>
    /// Browser origins allowed to call the server (CORS), e.g. <c>https://app.example.com</c>, or <c>*</c> for any;
    /// an entry may hold several separated by commas. Empty (the default): no CORS headers, browsers refuse cross-origin
    /// calls. Credentials (cookies) are never allowed; the API key travels in the Authorization header.
    /// </summary>
    public List<string> CorsOrigins { get; set; } = [];

    /// <summary>Token budget of one forward pass: larger amortises weight traffic, smaller bounds memory and head-of-line latency.</summary>
    public int MaxBatchTokens { get; set; } = 16384;

    /// <summary>Most sequences in one forward pass.</summary>
    public int MaxBatchSequences { get; set; } = 512;

    /// <summary>Queued sequences before new requests get 429: higher absorbs bursts, lower bounds memory and queueing delay.</summary>
    public int QueueCapacity { get; set; } = 4096;

    /// <summary>Most items (inputs) in one request; above it 413.</summary>
    public int MaxItemsPerRequest { get; set; } = 2048;

    /// <summary>Most tokens one request may make the model process; above it 413.</summary>
    public int MaxTokensPerRequest { get; set; } = 300_000;

    /// <summary>Largest request body in bytes; above it 413.</summary>
    public long MaxRequestBodyBytes { get; set; } = 16 * 1024 * 1024;

    /// <summary>
    /// Late chunking beyond the context: tokens of left context each later window re-reads (model spec §7.5).
    /// More overlap gives later tokens more context and costs more compute; must stay below the context length.
    /// </summary>
    public int LateChunkingOverlap { get; set; } = 512;

    /// <summary>
    /// Largest decoded image (width × height) an image item may have, read from its header before anything is decoded
    /// (decompression bombs). Higher admits bigger scans and photos; every pixel costs 3 bytes while it is resized.
    /// </summary>
    public long MaxImagePixels { get; set; } = JinaEmbed.Images.ImageDecoder.DefaultMaxPixels;

    /// <summary>
    /// Fetch <c>http(s)</c> image URLs (off: only base64 and data URIs). On, the server makes requests on a client's
    /// behalf (SSRF): only hosts of <see cref="ImageUrlHosts"/> are contacted, redirects included.
    /// </summary>
    public bool AllowImageUrls { get; set; }

    /// <summary>
    /// Hosts image URLs may name: exact names (<c>images.example.com</c>) or <c>*.example.com</c> (any name under it, not
    /// the bare domain); an entry may hold several separated by commas. Empty: every URL is refused.
    /// </summary>
    public List<string> ImageUrlHosts { get; set; } = [];

    /// <summary>Largest image download in bytes (20 MiB); reading stops past it (413). Higher admits bigger files and holds more memory per request.</summary>
    public long ImageUrlMaxBytes { get; set; } = 20 * 1024 * 1024;

    /// <summary>Seconds one image download may take, redirects and body included (10). Longer tolerates slow hosts and keeps the request (and its client) waiting.</summary>
    public double ImageUrlTimeoutSeconds { get; set; } = 10;

    /// <summary>Redirects followed per image URL (3), each target checked against <see cref="ImageUrlHosts"/>.</summary>
    public int ImageUrlMaxRedirects { get; set; } = 3;

    /// <summary>Seconds a 429 or 503 asks the client to wait (Retry-After).</summary>
    public int RetryAfterSeconds { get; set; } = 1;

    /// <summary>Run one small request per task before reporting ready, so the first client does not pay for it.</summary>
    public bool WarmUp { get; set; } = true;

    /// <summary>Seconds in-flight requests get to finish on shutdown.</summary>
    public int ShutdownTimeoutSeconds { get; set; } = 30;

    /// <summary>
    /// Console log format: <c>auto</c> (the default: <c>text</c> on a terminal, <c>json</c> when the output is redirected
    /// to a file or a log collector), <c>json</c> (one structured object per line), <c>text</c> (one readable line per
    /// event; <c>simple</c> is the same) or <c>none</c>.
    /// </summary>
    public string LogFormat { get; set; } = ServerLogging.Auto;

    /// <summary>Throws <see cref="ArgumentException"/> naming the first bad value.</summary>
    public void Validate()
    {
        static void Positive(long value, string name)
        {
            if (value < 1)
            {
                throw new ArgumentException($"{name} must be at least 1 (got {value}).", name);
            }
        }

        if (Port is < 0 or > 65535)
        {
            throw new ArgumentException($"Port must be 0..65535 (got {Port}).", nameof(Port));
        }

        Positive(MaxBatchTokens, nameof(MaxBatchTokens));
        Positive(MaxBatchSequences, nameof(MaxBatchSequences));
        Positive(QueueCapacity, nameof(QueueCapacity));
        Positive(MaxItemsPerRequest, nameof(MaxItemsPerRequest));
        Positive(MaxTokensPerRequest, nameof(MaxTokensPerRequest));
        Positive(MaxRequestBodyBytes, nameof(MaxRequestBodyBytes));
        if (LateChunkingOverlap < 0)
        {
            throw new ArgumentException($"LateChunkingOverlap must not be negative (got {LateChunkingOverlap}).", nameof(LateChunkingOverlap));
        }

        Positive(MaxImagePixels, nameof(MaxImagePixels));
        Positive(ImageUrlMaxBytes, nameof(ImageUrlMaxBytes));
        if (!(ImageUrlTimeoutSeconds > 0) || double.IsInfinity(ImageUrlTimeoutSeconds))
        {
            throw new ArgumentException($"ImageUrlTimeoutSeconds must be a positive number of seconds (got {ImageUrlTimeoutSeconds}).", nameof(ImageUrlTimeoutSeconds));
        }

        if (ImageUrlMaxRedirects < 0)
        {
            throw new ArgumentException($"ImageUrlMaxRedirects must not be negative (got {ImageUrlMaxRedirects}).", nameof(ImageUrlMaxRedirects));
        }

        _ = ImageHostList.Parse(ImageUrlHosts); // throws on a malformed entry

        _ = ServerLogging.Resolve(LogFormat, terminal: false); // throws on an unknown format
        _ = CorsPolicy.ParseOrigins(CorsOrigins); // throws on a malformed origin

        if (string.IsNullOrWhiteSpace(Host))
        {
            throw new ArgumentException("Host must not be empty.", nameof(Host));
        }
    }
}
