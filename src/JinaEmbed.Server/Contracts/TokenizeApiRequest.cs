// POST /tokenize body (api.md "Other endpoints").
using System.Text.Json;
using System.Text.Json.Serialization;

namespace JinaEmbed.Server.Contracts;

/// <summary><c>{"input": string or array, "task"?, "add_special_tokens"?}</c>.</summary>
internal sealed class TokenizeApiRequest
{
    [JsonPropertyName("input")]
    public JsonElement Input { get; set; }

    [JsonPropertyName("task")]
    public string? Task { get; set; }

    [JsonPropertyName("add_special_tokens")]
    public bool? AddSpecialTokens { get; set; }
}
