// Late chunking on the synchronous path (spec §7.4, §7.5): plans built from the tokenizer's offsets, windows run one at
// a time and pooled as they finish, so memory stays bounded by one window's activations.
namespace JinaEmbed.Embedding;

public sealed partial class Embedder
{
    /// <summary>
    /// Embeds chunks of one document with late chunking: one vector per chunk, in order. Empty chunks add no text
    /// and get a zero vector; documents longer than the context run as overlapping windows.
    /// </summary>
    public float[][] EmbedLateChunks(IReadOnlyList<string> chunks, EmbedOptions? options = null, LateChunkingOptions? lateChunking = null) =>
        RunPlan(PlanLateChunks(chunks, options, lateChunking)).Vectors;

    /// <summary>Embeds a whole document cut at the given character ranges (UTF-16, in order, non-overlapping).</summary>
    public float[][] EmbedDocument(string document, IReadOnlyList<(int Start, int End)> chunkRanges, EmbedOptions? options = null, LateChunkingOptions? lateChunking = null) =>
        RunPlan(PlanDocument(document, chunkRanges, options, lateChunking)).Vectors;

    /// <summary>Embeds a whole document cut by a chunking strategy; one vector per chunk the strategy finds.</summary>
    public float[][] EmbedDocument(string document, ChunkingStrategy strategy, EmbedOptions? options = null, LateChunkingOptions? lateChunking = null) =>
        RunPlan(PlanDocument(document, strategy, options, lateChunking)).Vectors;

    /// <summary>Plans late chunking of chunks joined with one space (for a scheduler to run).</summary>
    public LateChunkingPlan PlanLateChunks(IReadOnlyList<string> chunks, EmbedOptions? options = null, LateChunkingOptions? lateChunking = null)
    {
        ArgumentNullException.ThrowIfNull(chunks);
        if (chunks.Count == 0)
        {
            throw new EmbeddingException(EmbeddingErrorKind.InvalidInput, "late chunking needs at least one chunk.", "input");
        }

        var (document, ranges) = LateChunking.Join(chunks);
        return Plan(document, ranges, options, lateChunking);
    }

    /// <summary>Plans late chunking of a document cut at character ranges.</summary>
    public LateChunkingPlan PlanDocument(string document, IReadOnlyList<(int Start, int End)> chunkRanges, EmbedOptions? options = null, LateChunkingOptions? lateChunking = null)
    {
        ArgumentNullException.ThrowIfNull(document);
        ArgumentNullException.ThrowIfNull(chunkRanges);
        foreach (var (start, end) in chunkRanges)
        {
            if (start < 0 || end > document.Length || end < start)
            {
                throw new EmbeddingException(EmbeddingErrorKind.InvalidInput, $"chunk range [{start}, {end}) is outside the document of {document.Length} characters.", "input");
            }
        }

        return Plan(document, chunkRanges.Select(r => ((int, int)?)r).ToArray(), options, lateChunking);
    }

    /// <summary>Plans late chunking of a document cut by a strategy.</summary>
    public LateChunkingPlan PlanDocument(string document, ChunkingStrategy strategy, EmbedOptions? options = null, LateChunkingOptions? lateChunking = null)
    {
        ArgumentNullException.ThrowIfNull(document);
        ArgumentNullException.ThrowIfNull(strategy);
        if (strategy.Kind == ChunkingKind.Sentences)
        {
            return PlanDocument(document, LateChunking.SentenceRanges(document, strategy.Size), options, lateChunking);
        }

        options ??= new EmbedOptions();
        var task = ResolveTask(options.Task);
        var encoding = RequireTokenizer().Encode(task.Prompt + document, true, int.MaxValue);
        var spans = LateChunking.FixedTokenSpans(encoding, task.Prompt.Length, strategy.Size);
        return NewPlan(encoding.Ids, task, spans, options, lateChunking);
    }

    private LateChunkingPlan Plan(string document, IReadOnlyList<(int Start, int End)?> ranges, EmbedOptions? options, LateChunkingOptions? lateChunking)
    {
        options ??= new EmbedOptions();
        var task = ResolveTask(options.Task);
        var encoding = RequireTokenizer().Encode(task.Prompt + document, true, int.MaxValue);
        int shift = task.Prompt.Length;
        var shifted = ranges.Select(r => r is { } v ? ((int, int)?)(v.Start + shift, v.End + shift) : null).ToArray();
        var spans = LateChunking.Spans(encoding, shifted);
        return NewPlan(encoding.Ids, task, spans, options, lateChunking);
    }

    private LateChunkingPlan NewPlan(int[] ids, EmbeddingTask task, (int Start, int End)[] spans, EmbedOptions options, LateChunkingOptions? lateChunking)
    {
        lateChunking ??= new LateChunkingOptions();
        int dimensions = Matryoshka.Resolve(options.Dimensions, _model.HiddenSize);
        int window = lateChunking.WindowTokens ?? _model.MaxSequenceLength;
        if (window < 1 || window > _model.MaxSequenceLength)
        {
            throw new EmbeddingException(EmbeddingErrorKind.InvalidInput, $"late chunking window must be between 1 and {_model.MaxSequenceLength} tokens, got {window}.", "late_chunking");
        }

        if (lateChunking.Overlap < 0 || lateChunking.Overlap >= window)
        {
            throw new EmbeddingException(EmbeddingErrorKind.InvalidInput, $"late chunking overlap must be between 0 and {window - 1} tokens, got {lateChunking.Overlap}.", "late_chunking");
        }

        CheckOptions(options);
        var multi = options.Output.HasFlag(EmbeddingOutput.MultiVector) ? MultiVectorsFor(task.Adapter, options) : null;
        return new LateChunkingPlan(ids, task.Adapter, spans, window, lateChunking.Overlap, _model.HiddenSize, dimensions, options.Normalize ?? _loaded.Normalize, multi, options.Output.HasFlag(EmbeddingOutput.SingleVector));
    }

    private (float[][] Vectors, MultiVector[]? MultiVectors) RunPlan(LateChunkingPlan plan)
    {
        var sums = plan.NewSums();
        for (int w = 0; w < plan.Sequences.Count; w++)
        {
            var sequence = plan.Sequences[w];
            var states = _model.Forward(Models.EncoderBatch.FromSequences([sequence.Ids], [sequence.Adapter]));
            plan.Accumulate(w, states, sums);
        }

        return plan.Finish(sums);
    }

    private Tokenization.Tokenizer RequireTokenizer() =>
        _tokenizer ?? throw new EmbeddingException(EmbeddingErrorKind.InvalidInput, "This model folder has no tokenizer.json; late chunking needs text.", "input");
}
