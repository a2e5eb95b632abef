// What request mapping reads from a served model, without weights: the fuzz target maps every body against the
// shapes of both model families, so text-only and image/multi-vector branches are all reachable.
using JinaEmbed.Embedding;
using JinaEmbed.Embedding.Scheduling;
using JinaEmbed.Server;
using JinaEmbed.Tokenization;

namespace JinaEmbed.Fuzz;

/// <summary>A model's description (tasks, sizes, modalities) as <see cref="RequestMapping"/> sees it.</summary>
internal sealed class ModelShape : IEmbeddingBackend
{
    private ModelShape(string name, int hidden, int vocabulary, bool allowsBase, int? multiVector, IReadOnlyList<string> modalities, IReadOnlyList<ModelTask> tasks)
    {
        ModelName = name;
        HiddenSize = hidden;
        VocabularySize = vocabulary;
        AllowsBaseModel = allowsBase;
        MultiVectorDimensions = multiVector;
        Modalities = modalities;
        Tasks = tasks;
    }

    /// <summary>jina-embeddings-v3's shape at the tiny fixture's sizes: five tasks with prompts, a base mode, text only.</summary>
    public static ModelShape JinaV3 { get; } = new(
        "tiny-jina-v3",
        64,
        8002,
        allowsBase: true,
        multiVector: null,
        ["text"],
        [
            new ModelTask("retrieval.query", 0, "Represent the query for retrieving evidence documents: "),
            new ModelTask("retrieval.passage", 1, "Represent the document for retrieval: "),
            new ModelTask("separation", 2, string.Empty),
            new ModelTask("classification", 3, string.Empty),
            new ModelTask("text-matching", 4, string.Empty),
        ]);

    /// <summary>jina-embeddings-v4's shape: three adapters, no base mode, images and a multi-vector head.</summary>
    public static ModelShape JinaV4 { get; } = new(
        "tiny-jina-v4",
        2048,
        151936,
        allowsBase: false,
        multiVector: 128,
        ["text", "image"],
        [
            new ModelTask("retrieval.query", 0, "Query: "),
            new ModelTask("retrieval.passage", 0, "Passage: "),
            new ModelTask("text-matching", 1, "Query: "),
            new ModelTask("code.query", 2, "Query: "),
            new ModelTask("code.passage", 2, "Passage: "),
        ]);

    public string ModelName { get; }

    public string? Revision => null;

    public int HiddenSize { get; }

    public int MaxTokens => 8192;

    public int VocabularySize { get; }

    public IReadOnlyList<ModelTask> Tasks { get; }

    public bool AllowsBaseModel { get; }

    public IReadOnlyList<int> MatryoshkaDimensions => [32, 64, 128, 256, 512, 768, 1024];

    public int? MultiVectorDimensions { get; }

    public IReadOnlyList<string> Modalities { get; }

    public ImageResizeInfo? ImageResize => null;

    public string WeightType => "BF16";

    public int Threads => 1;

    // Mapping never embeds or tokenizes: reaching these would mean the parser started running the model.
    public BatchScheduler Scheduler => throw new NotSupportedException("request mapping does not schedule");

    public Task<EmbeddingResult> EmbedAsync(EmbeddingRequest request, CancellationToken cancellationToken) =>
        throw new NotSupportedException("request mapping does not embed");

    public TokenizerEncoding Tokenize(string text, bool addSpecialTokens) =>
        throw new NotSupportedException("request mapping does not tokenize");

    public void Dispose()
    {
    }
}
