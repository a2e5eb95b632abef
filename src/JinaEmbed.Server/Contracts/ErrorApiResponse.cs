// The error body every failure returns (api.md "Errors"; OpenAI's shape).
using System.Text.Json.Serialization;

namespace JinaEmbed.Server.Contracts;

/// <summary><c>{"error": {...}}</c>.</summary>
internal sealed record ErrorApiResponse([property: JsonPropertyName("error")] ErrorApiBody Error);
