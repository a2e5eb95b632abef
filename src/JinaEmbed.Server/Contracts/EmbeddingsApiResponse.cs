// The /v1/embeddings response as the OpenAPI document describes it (api.md "POST /v1/embeddings", Response).
// ResponseEncoding writes it without these types (vectors stream straight into the buffer); the OpenAPI test reads
// real responses back into them, so the description cannot drift from what is sent.
using System.Text.Json;
using System.Text.Json.Serialization;

namespace JinaEmbed.Server.Contracts;

/// <summary><c>{"object": "list", "model", "data": [...], "usage"}</c>.</summary>
internal sealed record EmbeddingsApiResponse(
    [property: JsonPropertyName("object")] string Object,
    [property: JsonPropertyName("model")] string Model,
    [property: JsonPropertyName("data")] IReadOnlyList<EmbeddingApiItem> Data,
    [property: JsonPropertyName("usage")] UsageApiBody Usage);

/// <summary>One item's vector, or with <c>return_multivector</c> its token vectors, in input order.</summary>
internal sealed record EmbeddingApiItem(
    [property: JsonPropertyName("object")] string Object,
    [property: JsonPropertyName("index")] int Index,
    [property: JsonPropertyName("embedding"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] JsonElement? Embedding = null,
    [property: JsonPropertyName("embeddings"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] JsonElement? Embeddings = null);

/// <summary>Every token the model processed, prompt and special tokens included.</summary>
internal sealed record UsageApiBody(
    [property: JsonPropertyName("prompt_tokens")] int PromptTokens,
    [property: JsonPropertyName("total_tokens")] int TotalTokens);
