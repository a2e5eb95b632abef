// A task entry of GET /info.
using System.Text.Json.Serialization;

namespace JinaEmbed.Server.Contracts;

/// <summary>Task name, adapter index and prompt.</summary>
internal sealed record InfoApiTask(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("adapter")] int Adapter,
    [property: JsonPropertyName("prompt")] string Prompt);
