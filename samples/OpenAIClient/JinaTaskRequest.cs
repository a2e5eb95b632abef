// The Jina dialect's extra fields (task, late_chunking) are not in the OpenAI SDK's typed options, so this sends
// the request body through the SDK's protocol method instead (api.md: one endpoint speaks both dialects).
using System.ClientModel;
using System.Text.Json;
using System.Text.Json.Nodes;
using OpenAI.Embeddings;

namespace JinaEmbed.Samples.OpenAIClient;

/// <summary>Embeds texts with a task adapter through the OpenAI SDK's raw-JSON overload.</summary>
public static class JinaTaskRequest
{
    /// <summary>POSTs <c>{"input", "task", "dimensions"}</c> and returns the vectors in input order.</summary>
    public static async Task<float[][]> EmbedAsync(EmbeddingClient client, IReadOnlyList<string> texts, string task, int? dimensions = null)
    {
        var body = new JsonObject
        {
            ["model"] = "jina-embeddings-v3",
            ["input"] = new JsonArray([.. texts.Select(text => JsonValue.Create(text))]),
            ["task"] = task,
        };
        if (dimensions is { } size)
        {
            body["dimensions"] = size;
        }

        using var content = BinaryContent.Create(BinaryData.FromString(body.ToJsonString()));
        var result = await client.GenerateEmbeddingsAsync(content);
        using var json = JsonDocument.Parse(result.GetRawResponse().Content);
        return [.. json.RootElement.GetProperty("data").EnumerateArray()
            .OrderBy(item => item.GetProperty("index").GetInt32())
            .Select(item => item.GetProperty("embedding").EnumerateArray().Select(value => value.GetSingle()).ToArray())];
    }
}
