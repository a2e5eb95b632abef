// GET /info: what is served and with which limits (api.md "Other endpoints", "jina-embeddings-v4" → Other endpoints).
using System.Text.Json.Serialization;

namespace JinaEmbed.Server.Contracts;

/// <summary>Model, inputs and outputs it takes and gives, tasks, threads, limits and server version.</summary>
internal sealed record InfoApiResponse(
    [property: JsonPropertyName("model")] string Model,
    [property: JsonPropertyName("aliases")] IReadOnlyList<string> Aliases,
    [property: JsonPropertyName("revision")] string? Revision,
    [property: JsonPropertyName("modalities")] IReadOnlyList<string> Modalities,
    [property: JsonPropertyName("hidden_size")] int HiddenSize,
    [property: JsonPropertyName("dimensions")] int Dimensions,
    [property: JsonPropertyName("matryoshka_dimensions")] IReadOnlyList<int> MatryoshkaDimensions,
    [property: JsonPropertyName("multivector_dimensions")] int? MultivectorDimensions,
    [property: JsonPropertyName("max_tokens")] int MaxTokens,
    [property: JsonPropertyName("default_task")] string? DefaultTask,
    [property: JsonPropertyName("default_truncate")] bool DefaultTruncate,
    [property: JsonPropertyName("tasks")] IReadOnlyList<InfoApiTask> Tasks,
    [property: JsonPropertyName("weight_dtype")] string WeightDtype,
    [property: JsonPropertyName("precision")] string Precision,
    [property: JsonPropertyName("threads")] int Threads,
    [property: JsonPropertyName("limits")] InfoApiLimits Limits,
    [property: JsonPropertyName("image")] InfoApiImage? Image,
    [property: JsonPropertyName("version")] string Version);
