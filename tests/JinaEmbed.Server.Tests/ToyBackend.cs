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
    private readonly ModelFolderInfo info;

    public ToyBackend(ServerOptions options, ToyEncoderModel? model = null)
    {
        Model = model ?? new ToyEncoderModel();
        info = new ModelFolderInfo(
            "toy-model",
            "rev-1",
            "float32",
            [
                new ModelTask("retrieval.query", 0, "Represent the query for retrieving evidence documents: "),
                new ModelTask("retrieval.passage", 1, "Represent the document for retrieval: "),
                new ModelTask("separation", 2, string.Empty),
                new ModelTask("classification", 3, string.Empty),
                new ModelTask("text-matching", 4, string.Empty),
            ]);
        Scheduler = new BatchScheduler(Model, EmbedderBackend.ToSchedulerOptions(options));
        scheduled = new ScheduledEmbedding(text => Encode(text, true), info.Resolve, Vocabulary, Model.HiddenSize, Model.MaxSequenceLength, Scheduler, LateChunkingOverlap);
    }

    public ToyEncoderModel Model { get; }

    public string ModelName => info.Name;

    public string? Revision => info.Revision;

    public int HiddenSize => Model.HiddenSize;

    public int MaxTokens => Model.MaxSequenceLength;

    public int VocabularySize => Vocabulary;

    public IReadOnlyList<ModelTask> Tasks => info.Tasks;

    public string WeightType => info.WeightType;

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

    public Task<EmbeddingResult> EmbedAsync(EmbeddingRequest request, CancellationToken cancellationToken) => scheduled.EmbedAsync(request, cancellationToken);

    public TokenizerEncoding Tokenize(string text, bool addSpecialTokens) => Encode(text, addSpecialTokens);

    public void Dispose() => Scheduler.Dispose();
}
