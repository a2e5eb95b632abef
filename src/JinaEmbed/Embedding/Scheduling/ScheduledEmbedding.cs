// Request → sequences → scheduler → pooled vectors: the glue behind Embedder.EmbedAsync (architecture.md §3 steps 4–9).
// Item preparation, pooling and late-chunking plans are the Embedder's own; this class only routes them through the scheduler.
namespace JinaEmbed.Embedding.Scheduling;

/// <summary>
/// Prepares a request's items on the caller's thread (prompt, tokens, length check), queues their sequences — one per
/// item, or the windows of a late-chunking plan — and pools the token states the compute loop hands back.
/// </summary>
internal sealed class ScheduledEmbedding
{
    private readonly Func<string?, EmbeddingTask> resolveTask;
    private readonly Func<EmbeddingInput, int, EmbeddingTask, bool, PreparedSequence> prepare;
    private readonly Func<IReadOnlyList<string>, EmbedOptions, LateChunkingPlan> planLateChunks;
    private readonly Action<EmbedOptions> checkOptions;
    private readonly SequenceOutput output;

    /// <param name="resolveTask">Task name (null / none = base model) → adapter and prompt; throws InvalidTask.</param>
    /// <param name="prepare">Item, index, task, truncate → ids and adapter; throws for bad ids or over-long items.</param>
    /// <param name="planLateChunks">Chunks of one document → the windows to run and how to pool them.</param>
    /// <param name="checkOptions">Throws for options the model cannot honour (dimensions, multi-vectors).</param>
    /// <param name="output">A sequence's token states → the single vector and/or multi-vector asked for.</param>
    /// <param name="scheduler">Where the sequences run.</param>
    public ScheduledEmbedding(
        Func<string?, EmbeddingTask> resolveTask,
        Func<EmbeddingInput, int, EmbeddingTask, bool, PreparedSequence> prepare,
        Func<IReadOnlyList<string>, EmbedOptions, LateChunkingPlan> planLateChunks,
        Action<EmbedOptions> checkOptions,
        SequenceOutput output,
        BatchScheduler scheduler)
    {
        this.resolveTask = resolveTask;
        this.prepare = prepare;
        this.planLateChunks = planLateChunks;
        this.checkOptions = checkOptions;
        this.output = output;
        Scheduler = scheduler;
    }

    public BatchScheduler Scheduler { get; }

    public async Task<EmbeddingResult> EmbedAsync(EmbeddingRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var options = request.Options;
        if (request.Items.Count == 0)
        {
            throw new EmbeddingException(EmbeddingErrorKind.InvalidInput, "input must not be empty.", "input");
        }

        if (options.LateChunking)
        {
            return await EmbedLateChunksAsync(request, cancellationToken).ConfigureAwait(false);
        }

        checkOptions(options);
        var task = resolveTask(options.Task);
        bool single = options.Output.HasFlag(EmbeddingOutput.SingleVector);
        var vectors = new float[single ? request.Items.Count : 0][];
        var multi = options.Output.HasFlag(EmbeddingOutput.MultiVector) ? new MultiVector[request.Items.Count] : null;
        var sequences = new PendingSequence[request.Items.Count];
        int tokenCount = 0;
        for (int i = 0; i < sequences.Length; i++)
        {
            var prepared = prepare(request.Items[i], i, task, options.Truncate);
            int index = i;
            tokenCount += prepared.Ids.Length;

            // Refuse as soon as the prepared items pass the request limit, so a request of many images never holds them all.
            if (tokenCount > Scheduler.Options.MaxRequestTokens)
            {
                throw new EmbeddingException(EmbeddingErrorKind.TooLarge, $"the request has more than {Scheduler.Options.MaxRequestTokens} tokens (input[0..{i}] alone have {tokenCount}); the limit is {Scheduler.Options.MaxRequestTokens}", "input", $"send fewer tokens per request, or raise {nameof(SchedulerOptions)}.{nameof(SchedulerOptions.MaxRequestTokens)}");
            }
            sequences[i] = new PendingSequence(prepared.Ids, prepared.Adapter, (states, _) =>
            {
                var (vector, multiVector) = prepared.Outputs(output, states, 0, options);
                if (single)
                {
                    vectors[index] = vector!;
                }

                if (multi is not null)
                {
                    multi[index] = multiVector!;
                }
            })
            { Image = prepared.Image };
        }

        var times = await Scheduler.SubmitAsync(sequences, cancellationToken).ConfigureAwait(false);
        return new EmbeddingResult(vectors, multi, tokenCount, times.QueueTime, times.InferenceTime);
    }

    private async Task<EmbeddingResult> EmbedLateChunksAsync(EmbeddingRequest request, CancellationToken cancellationToken)
    {
        var chunks = new string[request.Items.Count];
        for (int i = 0; i < chunks.Length; i++)
        {
            chunks[i] = request.Items[i].Text
                ?? throw new EmbeddingException(EmbeddingErrorKind.InvalidInput, request.Items[i].IsImage ? $"input[{i}] is an image; late chunking takes text items only." : "token-id inputs cannot be combined with late chunking.", "input");
        }

        var plan = planLateChunks(chunks, request.Options);

        // Windows are pooled as their states arrive (on the compute loop, one at a time), so no [tokens, hidden] copy.
        var sums = plan.NewSums();
        var sequences = new PendingSequence[plan.Sequences.Count];
        int tokenCount = 0;
        for (int w = 0; w < sequences.Length; w++)
        {
            int window = w;
            var sequence = plan.Sequences[w];
            tokenCount += sequence.Ids.Length;
            sequences[w] = new PendingSequence(sequence.Ids, sequence.Adapter, (states, _) => plan.Accumulate(window, states, sums));
        }

        var times = await Scheduler.SubmitAsync(sequences, cancellationToken).ConfigureAwait(false);
        var (chunkVectors, chunkMulti) = plan.Finish(sums);
        return new EmbeddingResult(chunkVectors, chunkMulti, tokenCount, times.QueueTime, times.InferenceTime);
    }
}
