// POST /tokenize response.
using System.Text.Json.Serialization;

namespace JinaEmbed.Server.Contracts;

/// <summary>One entry per input item, in order.</summary>
internal sealed record TokenizeApiResponse([property: JsonPropertyName("data")] IReadOnlyList<TokenizeApiItem> Data);
