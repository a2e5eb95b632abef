// The inner object of the error body (api.md "Errors").
using System.Text.Json.Serialization;

namespace JinaEmbed.Server.Contracts;

/// <summary>Message, type, offending parameter and machine-readable code; param and code are written as null when absent.</summary>
internal sealed record ErrorApiBody(
    [property: JsonPropertyName("message")] string Message,
    [property: JsonPropertyName("type")] string Type,
    [property: JsonPropertyName("param")] string? Param,
    [property: JsonPropertyName("code")] string? Code);
