// The served model backed by the library's Embedder: the real backend of the server.
using JinaEmbed.Embedding;
using JinaEmbed.Embedding.Scheduling;
using JinaEmbed.Tokenization;

namespace JinaEmbed.Server;

/// <summary>Adapts an <see cref="Embedder"/> to what the endpoints need.</summary>
internal sealed class EmbedderBackend : IEmbeddingBackend
{
    private readonly Embedder embedder;
    private readonly ModelFolderInfo info;
    private readonly ScheduledEmbedding scheduled;

    public EmbedderBackend(Embedder embedder, ModelFolderInfo info, ServerOptions options)
    {
        this.embedder = embedder;
        this.info = info;
        Scheduler = new BatchScheduler(embedder.Model, ToSchedulerOptions(options));
        scheduled = new ScheduledEmbedding(text => embedder.Tokenizer.Encode(text), info.Resolve, embedder.Tokenizer.VocabularySize, embedder.Model.HiddenSize, embedder.Model.MaxSequenceLength, Scheduler, options.LateChunkingOverlap);
        Threads = options.Threads > 0 ? options.Threads : Environment.ProcessorCount;
    }

    public string ModelName => info.Name;

    public string? Revision => info.Revision;

    public int HiddenSize => embedder.Model.HiddenSize;

    public int MaxTokens => embedder.Model.MaxSequenceLength;

    public int VocabularySize => embedder.Tokenizer.VocabularySize;

    public IReadOnlyList<ModelTask> Tasks => info.Tasks;

    public string WeightType => info.WeightType;

    public int Threads { get; }

    public BatchScheduler Scheduler { get; }

    public Task<EmbeddingResult> EmbedAsync(EmbeddingRequest request, CancellationToken cancellationToken) => scheduled.EmbedAsync(request, cancellationToken);

    public TokenizerEncoding Tokenize(string text, bool addSpecialTokens) => embedder.Tokenizer.Encode(text, addSpecialTokens);

    /// <summary>The server's batching limits as the library's scheduler options.</summary>
    public static SchedulerOptions ToSchedulerOptions(ServerOptions options) => new()
    {
        MaxBatchTokens = options.MaxBatchTokens,
        MaxBatchSequences = options.MaxBatchSequences,
        QueueCapacity = options.QueueCapacity,
        MaxRequestTokens = options.MaxTokensPerRequest,
    };

    public void Dispose()
    {
        Scheduler.Dispose();
        embedder.Dispose();
    }
}
