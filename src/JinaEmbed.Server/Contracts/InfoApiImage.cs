// The image block of GET /info (api.md "jina-embeddings-v4" → Other endpoints; null for text-only models).
using System.Text.Json.Serialization;

namespace JinaEmbed.Server.Contracts;

/// <summary>How images are resized and which image sources and sizes the server accepts.</summary>
internal sealed record InfoApiImage(
    [property: JsonPropertyName("min_pixels")] long MinPixels,
    [property: JsonPropertyName("max_pixels")] long MaxPixels,
    [property: JsonPropertyName("max_image_tokens")] int MaxImageTokens,
    [property: JsonPropertyName("max_decoded_pixels")] long MaxDecodedPixels,
    [property: JsonPropertyName("url_fetching")] bool UrlFetching,
    [property: JsonPropertyName("url_hosts")] IReadOnlyList<string> UrlHosts,
    [property: JsonPropertyName("url_max_bytes")] long UrlMaxBytes,
    [property: JsonPropertyName("url_timeout_seconds")] double UrlTimeoutSeconds,
    [property: JsonPropertyName("url_max_redirects")] int UrlMaxRedirects);
