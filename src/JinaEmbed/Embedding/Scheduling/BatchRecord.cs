// What one forward pass carried; the server turns these into metrics (api.md /metrics).
namespace JinaEmbed.Embedding.Scheduling;

/// <summary>One completed forward pass.</summary>
/// <param name="SequenceCount">Sequences in the batch.</param>
/// <param name="RequestCount">Distinct requests whose sequences were in the batch.</param>
/// <param name="TokenCount">Tokens in the batch (no padding: batches are packed).</param>
/// <param name="ForwardTime">Time spent in the model's forward pass.</param>
public readonly record struct BatchRecord(int SequenceCount, int RequestCount, int TokenCount, TimeSpan ForwardTime);
