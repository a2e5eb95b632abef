namespace JinaEmbed.Embedding;

/// <summary>Vectors in input order, with the token count and where the time went.</summary>
public sealed class EmbeddingResult
{
    public EmbeddingResult(float[][] embeddings, int tokenCount, TimeSpan queueTime, TimeSpan inferenceTime)
    {
        Embeddings = embeddings;
        TokenCount = tokenCount;
        QueueTime = queueTime;
        InferenceTime = inferenceTime;
    }

    /// <summary>One vector per item, in input order.</summary>
    public float[][] Embeddings { get; }

    /// <summary>Every token the model processed, prompt and special tokens included.</summary>
    public int TokenCount { get; }

    /// <summary>Time spent waiting for a batch slot.</summary>
    public TimeSpan QueueTime { get; }

    /// <summary>Time spent in forward passes that carried this request's sequences.</summary>
    public TimeSpan InferenceTime { get; }
}
