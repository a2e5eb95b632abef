// GET /v1/models: OpenAI's model list (api.md "Other endpoints").
using System.Text.Json.Serialization;

namespace JinaEmbed.Server.Contracts;

/// <summary><c>{"object": "list", "data": [...]}</c>.</summary>
internal sealed record ModelsApiResponse(
    [property: JsonPropertyName("object")] string Object,
    [property: JsonPropertyName("data")] IReadOnlyList<ModelApiEntry> Data);
