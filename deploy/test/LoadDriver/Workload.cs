// The requests of one run, derived from a seed: distinct texts of mixed length, requests of 1–12 of them, a task and
// an optional Matryoshka width each. Every (text, task, dimensions) also gets a single-item request for its reference.
namespace JinaEmbed.Deploy.LoadDriver;

/// <summary>What identifies one vector: the same text, task and width must give the same bits however it is batched.</summary>
internal readonly record struct VectorKey(int Text, string Task, int? Dimensions);

/// <summary>One embeddings request: the pool indices of its texts, in order, with one task and width.</summary>
internal sealed record EmbedCall(int[] Texts, string Task, int? Dimensions)
{
    public VectorKey Key(int item) => new(Texts[item], Task, Dimensions);
}

/// <summary>A deterministic workload.</summary>
internal sealed class Workload
{
    // jina-embeddings-v3's five adapters (the fixture model keeps the official task names).
    private static readonly string[] Tasks = ["retrieval.query", "retrieval.passage", "separation", "classification", "text-matching"];

    // null: the full width; the others are Matryoshka widths of the fixture model (8, 16, 32, 64).
    private static readonly int?[] Widths = [null, null, 32, 16];

    private static readonly string[] Syllables =
        ["ka", "ri", "mo", "sen", "tal", "ve", "lu", "dor", "pa", "ny", "qui", "ster", "ol", "ba", "ze", "wen", "tho", "gra", "mi", "cus"];

    private Workload(string[] texts, EmbedCall[] calls)
    {
        Texts = texts;
        Calls = calls;
    }

    public string[] Texts { get; }

    public EmbedCall[] Calls { get; }

    /// <summary>Every distinct vector the calls ask for, in first-use order.</summary>
    public IReadOnlyList<VectorKey> DistinctKeys => [.. Calls.SelectMany(c => Enumerable.Range(0, c.Texts.Length).Select(c.Key)).Distinct()];

    public static Workload Create(int seed, int requests, int distinctTexts)
    {
        var random = new Random(seed);
        var texts = new string[distinctTexts];
        for (int t = 0; t < texts.Length; t++)
        {
            // Mostly short sentences, some paragraphs of a few hundred tokens: batches of very different shapes.
            int words = random.Next(16) == 0 ? random.Next(40, 160) : random.Next(1, 24);
            texts[t] = $"{t}: " + string.Join(' ', Enumerable.Range(0, words).Select(_ => Word(random)));
        }

        var calls = new EmbedCall[requests];
        for (int r = 0; r < calls.Length; r++)
        {
            int items = random.Next(4) == 0 ? random.Next(5, 13) : random.Next(1, 5);
            calls[r] = new EmbedCall(
                [.. Enumerable.Range(0, items).Select(_ => random.Next(texts.Length))],
                Tasks[random.Next(Tasks.Length)],
                Widths[random.Next(Widths.Length)]);
        }

        return new Workload(texts, calls);
    }

    private static string Word(Random random) => string.Concat(Enumerable.Range(0, random.Next(1, 4)).Select(_ => Syllables[random.Next(Syllables.Length)]));
}
