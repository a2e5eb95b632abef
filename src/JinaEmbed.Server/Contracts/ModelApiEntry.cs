// One entry of GET /v1/models (OpenAI's model object).
using System.Text.Json.Serialization;

namespace JinaEmbed.Server.Contracts;

/// <summary>A served model name or alias.</summary>
internal sealed record ModelApiEntry(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("object")] string Object,
    [property: JsonPropertyName("created")] long Created,
    [property: JsonPropertyName("owned_by")] string OwnedBy);
