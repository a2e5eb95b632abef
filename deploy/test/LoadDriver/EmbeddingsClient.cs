// POST /v1/embeddings with base64 float32 output, so vectors arrive as their exact bits (no decimal round trip).
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace JinaEmbed.Deploy.LoadDriver;

/// <summary>The outcome of one request: 200 with its vectors, another status, or a transport error.</summary>
internal sealed record CallResult(int Status, byte[][]? Vectors, string? Error);

internal sealed class EmbeddingsClient(HttpClient http)
{
    public async Task<CallResult> EmbedAsync(Uri server, IReadOnlyList<string> texts, string task, int? dimensions, CancellationToken cancellationToken)
    {
        var body = new JsonObject
        {
            ["model"] = "jina-embeddings-v3",
            ["input"] = new JsonArray([.. texts.Select(t => (JsonNode?)JsonValue.Create(t))]),
            ["task"] = task,
            ["encoding_format"] = "base64",
        };
        if (dimensions is { } width)
        {
            body["dimensions"] = width;
        }

        try
        {
            using var response = await http.PostAsJsonAsync(new Uri(server, "v1/embeddings"), body, cancellationToken).ConfigureAwait(false);
            var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            if ((int)response.StatusCode != 200)
            {
                return new CallResult((int)response.StatusCode, null, text.Length > 300 ? text[..300] : text);
            }

            var data = JsonNode.Parse(text)!["data"]!.AsArray();
            var vectors = new byte[texts.Count][];
            foreach (var entry in data)
            {
                vectors[entry!["index"]!.GetValue<int>()] = Convert.FromBase64String(entry["embedding"]!.GetValue<string>());
            }

            return vectors.Any(v => v is null)
                ? new CallResult(200, null, $"{data.Count} vectors for {texts.Count} inputs")
                : new CallResult(200, vectors, null);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or JsonException or FormatException or IOException)
        {
            return new CallResult(0, null, $"{e.GetType().Name}: {e.Message}");
        }
    }
}
