// A served "model" made of a whitespace tokenizer and the toy encoder, behind the real scheduler and glue.
using JinaEmbed.Embedding;
using JinaEmbed.Embedding.Scheduling;
using JinaEmbed.Tokenization;

namespace JinaEmbed.Server.Tests;

internal sealed class ToyBackend : IEmbeddingBackend
{
    public const int Vocabulary = 1000;

    /// <summary>Overlap of long late-chunking windows (the toy context is 64 tokens).</summary>
    public const int LateChunkingOverlap = 16;

    private readonly ScheduledEmbedding scheduled;

    public ToyBackend(ServerOptions options, ToyEncoderModel? model = null)
    {
        Model = model ?? new ToyEncoderModel();
        Tasks =
        [
            new ModelTask("retrieval.query", 0, "Represent the query for retrieving evidence documents: "),
            new ModelTask("retrieval.passage", 1, "Represent the document for retrieval: "),
            new ModelTask("separation", 2, string.Empty),
            new ModelTask("classification", 3, string.Empty),
            new ModelTask("text-matching", 4, string.Empty),
        ];
        Scheduler = new BatchScheduler(Model, EmbedderBackend.ToSchedulerOptions(options));
        scheduled = new ScheduledEmbedding(ResolveTask, Prepare, PlanLateChunks, o => Matryoshka.Resolve(o.Dimensions, Model.HiddenSize), Output, Scheduler);
    }

    public ToyEncoderModel Model { get; }

    // Mean pooling, Matryoshka and L2 as the library does; the toy model has no multi-vector head.
    private (float[]? Single, MultiVector? Multi) Output(ReadOnlySpan<float> states, int start, int end, int adapter, EmbedOptions options)
    {
        var pooled = Pooling.Apply(PoolingMode.Mean, states, Model.HiddenSize, start, end);
        return (Matryoshka.Apply(pooled, Matryoshka.Resolve(options.Dimensions, Model.HiddenSize), options.Normalize ?? true), null);
    }

    public string ModelName => "toy-model";

    public string? Revision => "rev-1";

    public int HiddenSize => Model.HiddenSize;

    public int MaxTokens => Model.MaxSequenceLength;

    public int VocabularySize => Vocabulary;

    public IReadOnlyList<ModelTask> Tasks { get; }

    public bool AllowsBaseModel => true;

    public IReadOnlyList<int> MatryoshkaDimensions => [4, 8, 16];

    public int? MultiVectorDimensions => null;

    public IReadOnlyList<string> Modalities => ImageResize is null ? ["text"] : ["text", "image"];

    /// <summary>Null (text only) unless the toy is built to take images.</summary>
    public ImageResizeInfo? ImageResize { get; init; }

    public string WeightType => "F32";

    public int Threads => 1;

    public BatchScheduler Scheduler { get; }

    /// <summary>Whitespace-separated words; id = 4 + a stable hash of the word; &lt;s&gt; = 0, &lt;/s&gt; = 2.</summary>
    public static TokenizerEncoding Encode(string text, bool addSpecialTokens)
    {
        var ids = new List<int>();
        var tokens = new List<string>();
        var offsets = new List<(int, int)>();
        var special = new List<bool>();
        if (addSpecialTokens)
        {
            ids.Add(0);
            tokens.Add("<s>");
            offsets.Add((0, 0));
            special.Add(true);
        }

        int i = 0;
        while (i < text.Length)
        {
            if (char.IsWhiteSpace(text[i]))
            {
                i++;
                continue;
            }

            int start = i;
            while (i < text.Length && !char.IsWhiteSpace(text[i]))
            {
                i++;
            }

            var word = text[start..i];
            uint hash = 2166136261;
            foreach (char c in word)
            {
                hash = (hash ^ c) * 16777619;
            }

            ids.Add(4 + (int)(hash % (Vocabulary - 4)));
            tokens.Add(word);
            offsets.Add((start, i));
            special.Add(false);
        }

        if (addSpecialTokens)
        {
            ids.Add(2);
            tokens.Add("</s>");
            offsets.Add((0, 0));
            special.Add(true);
        }

        return new TokenizerEncoding([.. ids], [.. tokens], [.. offsets], [.. special]);
    }

    /// <summary>The toy's own task table, as the library resolves tasks: null / none = base model.</summary>
    public EmbeddingTask ResolveTask(string? name)
    {
        if (name is null or "none")
        {
            return EmbeddingTask.None;
        }

        var task = Tasks.FirstOrDefault(t => t.Name == name) ?? throw new EmbeddingException(EmbeddingErrorKind.InvalidTask, $"Unknown task '{name}'.", "task");
        return new EmbeddingTask(task.Name, task.Adapter, task.Prompt);
    }

    /// <summary>Prompt + toy tokens, or validated ids; over the context: refused, or cut keeping the last token.</summary>
    internal PreparedSequence Prepare(EmbeddingInput item, int index, EmbeddingTask task, bool truncate)
    {
        if (item.IsImage)
        {
            // The toy "sees" an image as four tokens from its bytes: equal bytes, equal vectors.
            var bytes = item.ImageBytes ?? throw new EmbeddingException(EmbeddingErrorKind.InvalidImage, $"input[{index}]: the toy takes encoded images only", "input");
            if (bytes.Length == 0 || ImageResize is null)
            {
                throw new EmbeddingException(ImageResize is null ? EmbeddingErrorKind.UnsupportedModality : EmbeddingErrorKind.InvalidImage, $"input[{index}] is not an image the toy takes", "input");
            }

            uint hash = 2166136261;
            foreach (byte b in bytes)
            {
                hash = (hash ^ b) * 16777619;
            }

            return new PreparedSequence([0, 4 + (bytes.Length % (Vocabulary - 4)), 4 + (int)(hash % (Vocabulary - 4)), 2], task.Adapter);
        }

        var ids = item.TokenIds ?? Encode(task.Prompt + item.Text, true).Ids;
        if (ids.Length == 0 || ids.Any(id => id < 0 || id >= Vocabulary))
        {
            throw new EmbeddingException(EmbeddingErrorKind.InvalidInput, $"input[{index}] has bad token ids.", "input");
        }

        if (ids.Length > MaxTokens)
        {
            if (!truncate)
            {
                throw new EmbeddingException(EmbeddingErrorKind.ContextLengthExceeded, $"input[{index}] has {ids.Length} tokens; the maximum is {MaxTokens}", "input", "set EmbedOptions.Truncate to cut it");
            }

            var cut = ids[..MaxTokens];
            cut[^1] = ids[^1];
            ids = cut;
        }

        return new PreparedSequence(ids, task.Adapter);
    }

    /// <summary>The library's late-chunking spans and plan over toy tokens, with toy-sized windows.</summary>
    internal LateChunkingPlan PlanLateChunks(IReadOnlyList<string> chunks, EmbedOptions options)
    {
        var task = ResolveTask(options.Task);
        var (document, ranges) = LateChunking.Join(chunks);
        var encoding = Encode(task.Prompt + document, true);
        var shifted = ranges.Select(r => r is { } v ? ((int, int)?)(v.Start + task.Prompt.Length, v.End + task.Prompt.Length) : null).ToArray();
        var spans = LateChunking.Spans(encoding, shifted);
        int dimensions = Matryoshka.Resolve(options.Dimensions, HiddenSize);
        return new LateChunkingPlan(encoding.Ids, task.Adapter, spans, MaxTokens, LateChunkingOverlap, HiddenSize, dimensions, options.Normalize ?? true);
    }

    public Task<EmbeddingResult> EmbedAsync(EmbeddingRequest request, CancellationToken cancellationToken) => scheduled.EmbedAsync(request, cancellationToken);

    public TokenizerEncoding Tokenize(string text, bool addSpecialTokens) => Encode(text, addSpecialTokens);

    public void Dispose() => Scheduler.Dispose();
}
