// The served model backed by the library's Embedder: the real backend of the server.
using JinaEmbed.Embedding;
using JinaEmbed.Embedding.Scheduling;
using JinaEmbed.Images;
using JinaEmbed.Tokenization;

namespace JinaEmbed.Server;

/// <summary>Adapts an <see cref="Embedder"/> to what the endpoints need; its scheduler uses the server's limits.</summary>
internal sealed class EmbedderBackend : IEmbeddingBackend
{
    private readonly Embedder embedder;
    private readonly ModelFolderInfo folder;
    private readonly Tokenizer? tokenizerOrNull;

    public EmbedderBackend(Embedder embedder, ModelFolderInfo folder, ServerOptions options, ImageResizeInfo? imageResize = null)
    {
        this.embedder = embedder;
        this.folder = folder;
        ImageResize = imageResize;
        tokenizerOrNull = TokenizerOf(embedder);
        Scheduler = embedder.StartScheduler(ToSchedulerOptions(options), new LateChunkingOptions { Overlap = options.LateChunkingOverlap });
        var info = embedder.Info;
        // The adapter comes from the library's table, not the list position: v4's five tasks share three adapters.
        Tasks = info.Tasks.Select(name => new ModelTask(
            name,
            info.TaskAdapters.TryGetValue(name, out int adapter) ? adapter : -1,
            info.TaskPrompts.TryGetValue(name, out var prompt) ? prompt : string.Empty)).ToArray();
    }

    public string ModelName => folder.Name;

    public string? Revision => folder.Revision;

    public int HiddenSize => embedder.Info.HiddenSize;

    public int MaxTokens => embedder.Info.MaxTokens;

    public int VocabularySize => embedder.Info.VocabularySize; // the model's table: also right without tokenizer.json

    public IReadOnlyList<ModelTask> Tasks { get; }

    public bool AllowsBaseModel => embedder.Info.AllowsBaseModel;

    public IReadOnlyList<int> MatryoshkaDimensions => embedder.Info.MatryoshkaDimensions;

    public int? MultiVectorDimensions => embedder.Info.MultiVectorDimensions;

    public IReadOnlyList<string> Modalities => embedder.Info.Modalities;

    public ImageResizeInfo? ImageResize { get; }

    public string WeightType => embedder.Info.WeightDataType;

    public int Threads => embedder.Threads;

    public BatchScheduler Scheduler { get; }

    /// <summary>The server's batching limits as the library's scheduler options.</summary>
    public static SchedulerOptions ToSchedulerOptions(ServerOptions options) => new()
    {
        MaxBatchTokens = options.MaxBatchTokens,
        MaxBatchSequences = options.MaxBatchSequences,
        QueueCapacity = options.QueueCapacity,
        MaxRequestTokens = options.MaxTokensPerRequest,
    };

    /// <summary>The resize bounds of an image model (from ModelInfo: its preprocessor_config.json, else Jina's defaults); null for text-only models.</summary>
    public static ImageResizeInfo? ReadImageResize(ModelInfo info)
    {
        if (info.ImagePreprocessing is not { } config || !info.Modalities.Contains(RequestMapping.ImageModality))
        {
            return null;
        }

        long merged = (long)config.PatchSize * config.MergeSize * config.PatchSize * config.MergeSize;
        return new ImageResizeInfo(config.MinPixels, config.MaxPixels, (int)(config.MaxPixels / merged));
    }

    public Task<EmbeddingResult> EmbedAsync(EmbeddingRequest request, CancellationToken cancellationToken) => embedder.EmbedAsync(request, cancellationToken);

    public TokenizerEncoding Tokenize(string text, bool addSpecialTokens)
    {
        // A folder served for token ids only: the client asked for something this model cannot do (400, not 500).
        var tokenizer = tokenizerOrNull ?? throw ApiException.BadRequest("this model folder has no tokenizer.json; only token-id input is available", "input", "tokenizer_unavailable");
        return tokenizer.Encode(text, addSpecialTokens, int.MaxValue);
    }

    private static Tokenizer? TokenizerOf(Embedder embedder)
    {
        try
        {
            return embedder.Tokenizer;
        }
        catch (InvalidOperationException)
        {
            return null; // the library's way of saying the folder has no tokenizer.json
        }
    }

    /// <summary>Stops the scheduler (queued work finishes) and releases the model.</summary>
    public void Dispose() => embedder.Dispose();
}
