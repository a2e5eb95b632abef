namespace JinaEmbed.Embedding;

/// <summary>Vectors in input order, with the token count and where the time went.</summary>
public sealed class EmbeddingResult
{
    /// <summary>A result with single vectors only.</summary>
    public EmbeddingResult(float[][] embeddings, int tokenCount, TimeSpan queueTime, TimeSpan inferenceTime)
        : this(embeddings, null, tokenCount, queueTime, inferenceTime)
    {
    }

    /// <summary>A result with single vectors (empty when not asked for) and multi-vectors (null when not asked for).</summary>
    public EmbeddingResult(float[][] embeddings, MultiVector[]? multiVectors, int tokenCount, TimeSpan queueTime, TimeSpan inferenceTime)
    {
        Embeddings = embeddings ?? throw new ArgumentNullException(nameof(embeddings));
        MultiVectors = multiVectors;
        TokenCount = tokenCount;
        QueueTime = queueTime;
        InferenceTime = inferenceTime;
    }

    /// <summary>One vector per item, in input order; empty when the request asked only for multi-vectors.</summary>
    public float[][] Embeddings { get; }

    /// <summary>One multi-vector per item, in input order, when the request asked for them (<see cref="EmbeddingOutput.MultiVector"/>); else null.</summary>
    public MultiVector[]? MultiVectors { get; }

    /// <summary>Every token the model processed, prompt and special tokens included.</summary>
    public int TokenCount { get; }

    /// <summary>Time spent waiting for a batch slot.</summary>
    public TimeSpan QueueTime { get; }

    /// <summary>Time spent in forward passes that carried this request's sequences.</summary>
    public TimeSpan InferenceTime { get; }
}
