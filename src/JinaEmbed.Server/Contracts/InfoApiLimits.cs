// The limits block of GET /info (api.md "Batching and limits").
using System.Text.Json.Serialization;

namespace JinaEmbed.Server.Contracts;

/// <summary>Configured limits.</summary>
internal sealed record InfoApiLimits(
    [property: JsonPropertyName("max_items_per_request")] int MaxItemsPerRequest,
    [property: JsonPropertyName("max_tokens_per_request")] int MaxTokensPerRequest,
    [property: JsonPropertyName("max_request_body_bytes")] long MaxRequestBodyBytes,
    [property: JsonPropertyName("queue_capacity")] int QueueCapacity,
    [property: JsonPropertyName("max_batch_tokens")] int MaxBatchTokens,
    [property: JsonPropertyName("max_batch_sequences")] int MaxBatchSequences);
