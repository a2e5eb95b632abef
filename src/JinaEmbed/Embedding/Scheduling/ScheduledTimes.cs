// Where a request's time went inside the scheduler (the server's x-queue-time / x-inference-time headers).
namespace JinaEmbed.Embedding.Scheduling;

/// <summary>Timing of one submitted group of sequences.</summary>
/// <param name="QueueTime">From submission until the first forward pass carrying one of its sequences started.</param>
/// <param name="InferenceTime">Sum of the forward passes that carried its sequences.</param>
public readonly record struct ScheduledTimes(TimeSpan QueueTime, TimeSpan InferenceTime);
