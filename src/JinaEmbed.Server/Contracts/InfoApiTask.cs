// A task entry of GET /info.
using System.Text.Json.Serialization;

namespace JinaEmbed.Server.Contracts;

/// <summary>Task name, adapter index and the text prepended to its inputs.</summary>
/// <remarks>
/// <c>prefix</c> is the v4 contract's name for it; <c>prompt</c> carries the same text and stays for the clients
/// written against the v3 server.
/// </remarks>
internal sealed record InfoApiTask(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("adapter")] int Adapter,
    [property: JsonPropertyName("prefix")] string Prefix,
    [property: JsonPropertyName("prompt")] string Prompt);
