// Wire body of POST /v1/embeddings in both dialects, Jina and OpenAI (api.md "POST /v1/embeddings").
using System.Text.Json;
using System.Text.Json.Serialization;

namespace JinaEmbed.Server.Contracts;

/// <summary>
/// The request as sent. <c>input</c> and <c>embedding_type</c> have several shapes and stay raw for
/// <see cref="RequestMapping"/>; other fields are typed, so a wrong type fails deserialisation (400).
/// Unknown fields (<c>user</c>, …) are ignored.
/// </summary>
internal sealed class EmbeddingsApiRequest
{
    [JsonPropertyName("input")]
    public JsonElement Input { get; set; }

    [JsonPropertyName("model")]
    public string? Model { get; set; }

    [JsonPropertyName("task")]
    public string? Task { get; set; }

    [JsonPropertyName("dimensions")]
    public int? Dimensions { get; set; }

    [JsonPropertyName("late_chunking")]
    public bool? LateChunking { get; set; }

    [JsonPropertyName("embedding_type")]
    public JsonElement EmbeddingType { get; set; }

    /// <summary>LlamaIndex TS's name for <c>embedding_type</c>, taken as an alias when <c>embedding_type</c> is absent.</summary>
    [JsonPropertyName("encoding_type")]
    public JsonElement EncodingType { get; set; }

    [JsonPropertyName("encoding_format")]
    public string? EncodingFormat { get; set; }

    [JsonPropertyName("normalized")]
    public bool? Normalized { get; set; }

    [JsonPropertyName("normalize")]
    public bool? Normalize { get; set; }

    [JsonPropertyName("truncate")]
    public bool? Truncate { get; set; }

    /// <summary>Jina's multi-vector switch (an extension in the OpenAI dialect): one vector per token instead of one per item.</summary>
    [JsonPropertyName("return_multivector")]
    public bool? ReturnMultivector { get; set; }
}
