// Embedder.EmbedAsync on the tiny model: the scheduled path gives the synchronous path's vectors, alone or under
// concurrency, for text, token ids and late chunking.
using JinaEmbed.Embedding;
using JinaEmbed.Embedding.Scheduling;

namespace JinaEmbed.Tests.Embedding.Scheduling;

public class EmbedderAsyncTests
{
    private static readonly string[] Texts = ["Hello world.", "Guten Morgen, wie geht's?", "", "東京は日本の首都です。", "a b c d e f g"];

    [Fact]
    public async Task ScheduledVectorsEqualTheSynchronousOnes()
    {
        using var embedder = Embedder.Load(Fixtures.Path("tiny-jina-v3"));
        foreach (var task in new string?[] { null, "retrieval.query", "retrieval.passage", "separation", "classification", "text-matching" })
        {
            var options = new EmbedOptions { Task = task, Dimensions = 32 };
            var expected = embedder.Embed(Texts, options);
            var result = await embedder.EmbedAsync(new EmbeddingRequest([.. Texts.Select(EmbeddingInput.FromText)], options));
            AssertClose(expected, result.Embeddings);
            int tokens = Texts.Sum(t => embedder.Tokenizer.Encode(embedder.Info.TaskPrompts.GetValueOrDefault(task ?? "", "") + t).Count);
            Assert.Equal(tokens, result.TokenCount);
        }

        var ids = embedder.Tokenizer.Encode("token ids as they are").Ids;
        var fromIds = await embedder.EmbedAsync(new EmbeddingRequest([EmbeddingInput.FromTokenIds(ids)], new EmbedOptions { Task = "separation" }));
        AssertClose(embedder.EmbedTokenIds([ids], new EmbedOptions { Task = "separation" }), fromIds.Embeddings);

        var late = new EmbedOptions { Task = "retrieval.passage", LateChunking = true };
        var lateResult = await embedder.EmbedAsync(new EmbeddingRequest([.. Texts.Select(EmbeddingInput.FromText)], late));
        AssertClose(embedder.Embed(Texts, late), lateResult.Embeddings);
    }

    [Fact]
    public async Task LongLateChunkingWindowsGoThroughTheScheduler()
    {
        using var embedder = Embedder.Load(Fixtures.Path("tiny-jina-v3"));
        var window = new LateChunkingOptions { WindowTokens = 64, Overlap = 16 };
        var scheduler = embedder.StartScheduler(new SchedulerOptions { MaxBatchTokens = 100 }, window);
        var chunks = Enumerable.Range(0, 12).Select(i => $"Sentence number {i} talks about topic {i * 7} in some detail.").ToArray();
        var options = new EmbedOptions { Task = "retrieval.passage", LateChunking = true };
        var result = await embedder.EmbedAsync(new EmbeddingRequest([.. chunks.Select(EmbeddingInput.FromText)], options));
        AssertClose(embedder.EmbedLateChunks(chunks, options, window), result.Embeddings);
        Assert.True(scheduler.BatchesRun > 1, "a document over the window should run as several windows");
        Assert.True(result.TokenCount > embedder.PlanLateChunks(chunks, options, window).TokenCount, "overlaps are processed twice");
    }

    [Fact]
    public async Task ConcurrentRequestsKeepTheirVectors()
    {
        using var embedder = Embedder.Load(Fixtures.Path("tiny-jina-v3"));
        var scheduler = embedder.StartScheduler();
        string[] tasks = ["retrieval.query", "retrieval.passage", "separation", "classification", "text-matching", "none"];
        var requests = Enumerable.Range(0, 60).Select(i => (Texts: Texts.Skip(i % 4).Take(1 + (i % 3)).Select(t => t + $" #{i}").ToArray(), Options: new EmbedOptions { Task = tasks[i % tasks.Length] })).ToArray();
        var expected = requests.Select(r => embedder.Embed(r.Texts, r.Options)).ToArray();
        var results = await Task.WhenAll(requests.Select(r => Task.Run(() => embedder.EmbedAsync(new EmbeddingRequest([.. r.Texts.Select(EmbeddingInput.FromText)], r.Options)))));
        for (int i = 0; i < requests.Length; i++)
        {
            AssertClose(expected[i], results[i].Embeddings);
        }

        Assert.True(scheduler.BatchesRun > 0);
    }

    [Fact]
    public async Task DisposeStopsTheScheduler()
    {
        var embedder = Embedder.Load(Fixtures.Path("tiny-jina-v3"));
        await embedder.EmbedAsync(new EmbeddingRequest([EmbeddingInput.FromText("start it")]));
        var scheduler = embedder.Scheduler!;
        embedder.Dispose();
        Assert.False(scheduler.IsAccepting);
    }

    private static void AssertClose(float[][] expected, float[][] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.Equal(expected[i].Length, actual[i].Length);
            double worst = expected[i].Zip(actual[i]).Max(p => Math.Abs(p.First - p.Second));
            Assert.True(worst <= 1e-5, $"item {i}: max |diff| {worst:E3}");
        }
    }
}
