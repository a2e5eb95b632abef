// How the OpenAI SDK is pointed at a jinaembed server: the endpoint is the server's /v1, the key is the server's API key.
using System.ClientModel;
using OpenAI;
using OpenAI.Embeddings;

namespace JinaEmbed.Samples.OpenAIClient;

/// <summary>Creates OpenAI SDK embedding clients for a running <c>jinaembed serve</c>.</summary>
public static class JinaServerClient
{
    /// <summary>An <see cref="EmbeddingClient"/> for <paramref name="server"/> (e.g. <c>http://127.0.0.1:8080</c>).</summary>
    /// <param name="server">The server's base address.</param>
    /// <param name="apiKey">The server's API key; any non-empty text when it runs without one.</param>
    public static EmbeddingClient Create(Uri server, string? apiKey = null)
    {
        ArgumentNullException.ThrowIfNull(server);

        // The SDK appends "embeddings" to the endpoint, so the endpoint is the /v1/ folder.
        var endpoint = new Uri(server.AbsoluteUri.TrimEnd('/') + "/v1/");
        return new EmbeddingClient("jina-embeddings-v3", new ApiKeyCredential(string.IsNullOrEmpty(apiKey) ? "no-key" : apiKey), new OpenAIClientOptions { Endpoint = endpoint });
    }
}
