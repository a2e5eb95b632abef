// Request → sequences → scheduler → pooled vectors: the glue behind Embedder.EmbedAsync (architecture.md §3 steps 4–9).
using JinaEmbed.Tokenization;

namespace JinaEmbed.Embedding.Scheduling;

/// <summary>
/// Prepares a request's items on the caller's thread (prompt, tokens, length check), queues one sequence per item,
/// and pools each sequence's token states (mean over the sequence, Matryoshka truncation, L2 normalisation).
/// </summary>
internal sealed partial class ScheduledEmbedding
{
    private readonly Func<string, TokenizerEncoding> encode;
    private readonly Func<string?, (int Adapter, string Prompt)> resolveTask;

    /// <param name="encode">Tokenizes a text with special tokens.</param>
    /// <param name="resolveTask">Task name (null = base model) → adapter index (−1 = none) and prompt; throws for unknown tasks.</param>
    /// <param name="vocabularySize">Token-id inputs must lie in [0, vocabularySize).</param>
    /// <param name="hiddenSize">Width of a token state.</param>
    /// <param name="maxTokens">Most tokens of one sequence, special tokens included.</param>
    /// <param name="scheduler">Where the sequences are run.</param>
    /// <param name="lateChunkingOverlap">Tokens of left context each later window of a long late-chunking input re-reads (model spec §7.5).</param>
    public ScheduledEmbedding(Func<string, TokenizerEncoding> encode, Func<string?, (int Adapter, string Prompt)> resolveTask, int vocabularySize, int hiddenSize, int maxTokens, BatchScheduler scheduler, int lateChunkingOverlap = 512)
    {
        if (lateChunkingOverlap < 0 || lateChunkingOverlap >= maxTokens)
        {
            throw new ArgumentOutOfRangeException(nameof(lateChunkingOverlap), lateChunkingOverlap, $"must be in [0, {maxTokens})");
        }

        LateChunkingOverlap = lateChunkingOverlap;
        this.encode = encode;
        this.resolveTask = resolveTask;
        VocabularySize = vocabularySize;
        HiddenSize = hiddenSize;
        MaxTokens = maxTokens;
        Scheduler = scheduler;
    }

    public int VocabularySize { get; }

    public int HiddenSize { get; }

    public int MaxTokens { get; }

    public BatchScheduler Scheduler { get; }

    public int LateChunkingOverlap { get; }

    public async Task<EmbeddingResult> EmbedAsync(EmbeddingRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var options = request.Options;
        if (request.Items.Count == 0)
        {
            throw new EmbeddingException(EmbeddingErrorKind.InvalidInput, "input must not be empty", "input");
        }

        if (options.Dimensions is { } d && (d < 1 || d > HiddenSize))
        {
            throw new EmbeddingException(EmbeddingErrorKind.InvalidDimensions, $"dimensions must be between 1 and {HiddenSize} (got {d})", "dimensions");
        }

        var (adapter, prompt) = resolveTask(options.Task is null or "none" ? null : options.Task);
        int dimensions = options.Dimensions ?? HiddenSize;
        if (options.LateChunking)
        {
            return await EmbedLateChunkedAsync(request, adapter, prompt, dimensions, cancellationToken).ConfigureAwait(false);
        }

        var vectors = new float[request.Items.Count][];
        var sequences = new PendingSequence[request.Items.Count];
        int tokenCount = 0;
        for (int i = 0; i < sequences.Length; i++)
        {
            var ids = Prepare(request.Items[i], i, prompt, options.Truncate);
            tokenCount += ids.Length;
            int index = i;
            sequences[i] = new PendingSequence(ids, adapter, (states, hidden) => vectors[index] = Pool(states, hidden, dimensions, options.Normalize));
        }

        var times = await Scheduler.SubmitAsync(sequences, cancellationToken).ConfigureAwait(false);
        return new EmbeddingResult(vectors, tokenCount, times.QueueTime, times.InferenceTime);
    }

    /// <summary>Mean over all rows of [tokens, hidden], keep the first <paramref name="dimensions"/>, then L2-normalise (eps 1e-12).</summary>
    internal static float[] Pool(ReadOnlySpan<float> states, int hidden, int dimensions, bool normalize)
    {
        int tokens = states.Length / hidden;
        var sum = new double[dimensions];
        for (int t = 0; t < tokens; t++)
        {
            var row = states.Slice(t * hidden, dimensions);
            for (int h = 0; h < dimensions; h++)
            {
                sum[h] += row[h];
            }
        }

        var vector = new float[dimensions];
        for (int h = 0; h < dimensions; h++)
        {
            vector[h] = (float)(sum[h] / tokens);
        }

        return normalize ? Normalize(vector) : vector;
    }

    /// <summary>Scales <paramref name="vector"/> in place to unit L2 norm (x / max(‖x‖, 1e-12)) and returns it.</summary>
    internal static float[] Normalize(float[] vector)
    {
        double norm = 0;
        foreach (float v in vector)
        {
            norm += (double)v * v;
        }

        float scale = (float)(1 / Math.Max(Math.Sqrt(norm), 1e-12));
        for (int h = 0; h < vector.Length; h++)
        {
            vector[h] *= scale;
        }

        return vector;
    }

    private int[] Prepare(EmbeddingInput item, int index, string prompt, bool truncate)
    {
        int[] ids;
        if (item.TokenIds is { } given)
        {
            if (given.Length == 0)
            {
                throw new EmbeddingException(EmbeddingErrorKind.InvalidInput, $"input[{index}] is an empty token list", "input");
            }

            foreach (int id in given)
            {
                if (id < 0 || id >= VocabularySize)
                {
                    throw new EmbeddingException(EmbeddingErrorKind.InvalidInput, $"input[{index}] has token id {id}; ids must lie in [0, {VocabularySize})", "input");
                }
            }

            ids = given;
        }
        else
        {
            ids = encode(prompt + item.Text).Ids;
        }

        if (ids.Length <= MaxTokens)
        {
            return ids;
        }

        if (!truncate)
        {
            throw new EmbeddingException(EmbeddingErrorKind.ContextLengthExceeded, $"input[{index}] has {ids.Length} tokens; the maximum is {MaxTokens} (set truncate=true to cut it)", "input");
        }

        // Cut content from the end but keep the closing token (the </s> of a text item).
        var cut = ids[..MaxTokens];
        cut[^1] = ids[^1];
        return cut;
    }
}
