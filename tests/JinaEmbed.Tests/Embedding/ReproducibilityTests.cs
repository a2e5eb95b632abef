// Reproducible vectors (issue #17): the same input gives bit-identical outputs whatever it is batched or packed with —
// alone, in batches of 2…64 mixed sequences and tasks at any position, through the scheduler under concurrency. What
// the resumable run and any content-keyed cache rely on. Compared as float bits, never with a tolerance.
using System.Text.Json;
using JinaEmbed.Compute;
using JinaEmbed.Embedding;
using JinaEmbed.Embedding.Scheduling;
using JinaEmbed.Models;
using JinaEmbed.Tests.Compute;
using Xunit.Abstractions;

namespace JinaEmbed.Tests.Embedding;

public sealed class ReproducibilityTests(ITestOutputHelper output)
{
    // Every size from 2 to 64 would repeat itself; these cross the GEMM's 32-row and 96-row boundaries and the kernels'
    // 4/6/8-row tiles with sequences of every fixture length, in many positions.
    private static readonly int[] BatchSizes = [2, 3, 4, 5, 6, 7, 8, 9, 12, 16, 23, 31, 32, 33, 47, 48, 63, 64];

    /// <summary>Fixture folder and the expected.json section whose cases' input_ids are the inputs.</summary>
    public static TheoryData<string, string> EncoderFixtures => new()
    {
        { "tiny-jina-v3", "cases" },
        { "all-MiniLM-L6-v2", "cases" },
        { "tiny-jina-v4", "text_cases" },
        { "tiny-jina-v4-realdims", "id_cases" },
    };

    /// <summary>Fixture folders with a tokenizer, and the task names their texts are embedded with (null: the model's default).</summary>
    public static TheoryData<string> TextFixtures => new() { "tiny-jina-v3", "all-MiniLM-L6-v2", "tiny-jina-v4" };

    [Theory]
    [MemberData(nameof(EncoderFixtures))]
    public void TokenStatesOfASequenceDoNotDependOnItsBatch(string fixture, string section)
    {
        // The forward pass itself: every fixture input under every adapter, alone and then packed with others of other
        // lengths and adapters (the LoRA runs of a batch interleave), at shifting positions.
        var inputs = FixtureInputIds(fixture, section);
        using var model = ModelLoader.Load(Fixtures.Path(fixture), new ComputeContext(2)).Model;
        int[] adapters = [.. Enumerable.Range(model is JinaV4Model ? 0 : -1, model.AdapterCount + (model is JinaV4Model ? 0 : 1))];
        int h = model.HiddenSize;
        var alone = new Dictionary<(int Input, int Adapter), float[]>();
        float[] Alone(int input, int adapter)
        {
            if (!alone.TryGetValue((input, adapter), out var states))
            {
                states = model.Forward(EncoderBatch.FromSequences([inputs[input]], [adapter]));
                alone[(input, adapter)] = states;
            }

            return states;
        }

        // tiny-jina-v3's 3000-token inputs (several attention blocks) join batches of up to 8: head width 16 takes the
        // slow attention path, and 64 of them would cost minutes without testing anything new.
        int Pick(int size, int j)
        {
            int input = ((size * 7) + (j * 5)) % inputs.Count;
            while (size > 8 && inputs[input].Length > 512)
            {
                input = (input + 1) % inputs.Count;
            }

            return input;
        }

        int compared = 0;
        foreach (int size in BatchSizes)
        {
            var members = Enumerable.Range(0, size).Select(j => (Input: Pick(size, j), Adapter: adapters[((j * 3) + size) % adapters.Length])).ToList();
            var batch = EncoderBatch.FromSequences(members.Select(m => inputs[m.Input]).ToList(), members.Select(m => m.Adapter).ToList());
            var states = model.Forward(batch);
            for (int j = 0; j < size; j++)
            {
                int start = batch.SequenceStarts[j], end = batch.SequenceStarts[j + 1];
                ReproducibleKernelTests.AssertBitwise(
                    Alone(members[j].Input, members[j].Adapter),
                    states.AsSpan(start * h, (end - start) * h),
                    $"{fixture}: input {members[j].Input} (adapter {members[j].Adapter}) at position {j} of a batch of {size}, {batch.TokenCount} tokens");
                compared++;
            }
        }

        output.WriteLine($"{fixture}: {inputs.Count} inputs × {adapters.Length} adapters; {compared} sequences in {BatchSizes.Length} batches equal alone");
    }

    [Theory]
    [MemberData(nameof(TextFixtures))]
    public void VectorsOfATextDoNotDependOnItsRequest(string fixture)
    {
        // Through the synchronous Embedder: one request of n texts (n = 2…64, repeated texts allowed, other texts
        // before them) gives every text the single vector (and, for v4, the multi-vector) it gets alone.
        using var embedder = Embedder.Load(Fixtures.Path(fixture), new EmbedderOptions { Threads = 2 });
        var (texts, tasks) = FixtureTexts(fixture);
        bool multi = fixture.Contains("v4", StringComparison.Ordinal);
        var kind = multi ? EmbeddingOutput.Both : EmbeddingOutput.SingleVector;
        foreach (var task in tasks)
        {
            var options = new EmbedOptions { Task = task, Output = kind };
            var alone = texts.Select(t => embedder.Embed(new EmbeddingRequest([EmbeddingInput.FromText(t)], options))).ToList();
            foreach (int size in BatchSizes)
            {
                var picks = Enumerable.Range(0, size).Select(j => ((size * 11) + (j * 7)) % texts.Count).ToList();
                var result = embedder.Embed(new EmbeddingRequest([.. picks.Select(i => EmbeddingInput.FromText(texts[i]))], options));
                for (int j = 0; j < size; j++)
                {
                    string what = $"{fixture} task {task ?? "(none)"}: text {picks[j]} at position {j} of {size}";
                    ReproducibleKernelTests.AssertBitwise(alone[picks[j]].Embeddings[0], result.Embeddings[j], what);
                    if (multi)
                    {
                        ReproducibleKernelTests.AssertBitwise(alone[picks[j]].MultiVectors![0].Values, result.MultiVectors![j].Values, what + " (multi-vector)");
                    }
                }
            }
        }
    }

    [Theory]
    [MemberData(nameof(TextFixtures))]
    public async Task ScheduledConcurrentRequestsOfMixedTasksGiveEachTextItsVectorAlone(string fixture)
    {
        // Concurrent requests of 1…4 texts under different tasks: the scheduler packs sequences of several requests
        // (and tasks) into one forward pass; each vector must equal the synchronous vector of that text alone.
        using var embedder = Embedder.Load(Fixtures.Path(fixture), new EmbedderOptions { Threads = 2 });
        var (texts, tasks) = FixtureTexts(fixture);
        var scheduler = embedder.StartScheduler(new SchedulerOptions { MaxBatchTokens = 4096 });
        int mostRequests = 0, mostSequences = 0;
        scheduler.BatchCompleted += record =>
        {
            InterlockedMax(ref mostRequests, record.RequestCount);
            InterlockedMax(ref mostSequences, record.SequenceCount);
        };

        const int Requests = 64;
        var requests = Enumerable.Range(0, Requests).Select(r =>
        {
            var items = Enumerable.Range(0, 1 + (r % 4)).Select(j => ((r * 5) + (j * 3)) % texts.Count).ToList();
            return (Items: items, Task: tasks[r % tasks.Count]);
        }).ToList();
        using var start = new ManualResetEventSlim();
        var running = requests.Select(q => Task.Run(() =>
        {
            start.Wait();
            return embedder.EmbedAsync(new EmbeddingRequest([.. q.Items.Select(i => EmbeddingInput.FromText(texts[i]))], new EmbedOptions { Task = q.Task }));
        })).ToList();
        start.Set();
        var results = await Task.WhenAll(running);

        var alone = new Dictionary<(int Text, string? Task), float[]>();
        for (int r = 0; r < Requests; r++)
        {
            for (int j = 0; j < requests[r].Items.Count; j++)
            {
                var key = (requests[r].Items[j], requests[r].Task);
                if (!alone.TryGetValue(key, out var vector))
                {
                    vector = embedder.Embed([texts[key.Item1]], new EmbedOptions { Task = key.Task })[0];
                    alone[key] = vector;
                }

                ReproducibleKernelTests.AssertBitwise(vector, results[r].Embeddings[j], $"{fixture}: request {r} item {j} (text {key.Item1}, task {key.Task ?? "(none)"})");
            }
        }

        output.WriteLine($"{fixture}: {scheduler.BatchesRun} batches for {Requests} requests; at most {mostRequests} requests / {mostSequences} sequences in one batch");
    }

    [Fact]
    public void ImagesThroughTheVisionTowerTogetherEqualImagesAlone()
    {
        // Several images (and a text) in one request run the vision tower on all their patches at once; every image's
        // single vector and multi-vector must equal what it gets alone, in either order.
        using var embedder = Embedder.Load(Fixtures.Path("tiny-jina-v4"), new EmbedderOptions { Threads = 2 });
        using var document = JsonDocument.Parse(File.ReadAllBytes(Fixtures.Path("tiny-jina-v4", "expected.json")));
        var files = document.RootElement.GetProperty("image_cases").EnumerateArray()
            .Where(c => !c.TryGetProperty("error", out _))
            .Select(c => File.ReadAllBytes(Fixtures.Path("tiny-jina-v4", c.GetProperty("file").GetString()!)))
            .ToList();
        Assert.True(files.Count >= 3, "tiny-jina-v4 should have several valid image cases");
        var (texts, _) = FixtureTexts("tiny-jina-v4");
        foreach (var task in new[] { "retrieval.query", "text-matching", "code.passage" })
        {
            var options = new EmbedOptions { Task = task, Output = EmbeddingOutput.Both };
            var alone = files.Select(f => embedder.Embed(new EmbeddingRequest([EmbeddingInput.FromImage(f)], options))).ToList();
            foreach (var order in new[] { Enumerable.Range(0, files.Count).ToList(), Enumerable.Range(0, files.Count).Reverse().ToList() })
            {
                var items = new List<EmbeddingInput> { EmbeddingInput.FromText(texts[0]) };
                items.AddRange(order.Select(i => EmbeddingInput.FromImage(files[i])));
                var together = embedder.Embed(new EmbeddingRequest(items, options));
                for (int j = 0; j < order.Count; j++)
                {
                    string what = $"tiny-jina-v4 {task}: image {order[j]} at position {j + 1} of {items.Count}";
                    ReproducibleKernelTests.AssertBitwise(alone[order[j]].Embeddings[0], together.Embeddings[j + 1], what);
                    ReproducibleKernelTests.AssertBitwise(alone[order[j]].MultiVectors![0].Values, together.MultiVectors![j + 1].Values, what + " (multi-vector)");
                }
            }
        }
    }

    [Fact]
    public void TheThreadCountDoesNotChangeTheVectors()
    {
        // Threads split rows and output panels, never a sum: one thread and three give the same bits (text and images).
        var texts = FixtureTexts("all-MiniLM-L6-v2").Texts;
        using (var one = Embedder.Load(Fixtures.Path("all-MiniLM-L6-v2"), new EmbedderOptions { Threads = 1 }))
        using (var three = Embedder.Load(Fixtures.Path("all-MiniLM-L6-v2"), new EmbedderOptions { Threads = 3 }))
        {
            var a = one.Embed(texts);
            var b = three.Embed(texts);
            for (int i = 0; i < texts.Count; i++)
            {
                ReproducibleKernelTests.AssertBitwise(a[i], b[i], $"all-MiniLM-L6-v2 text {i}, 1 vs 3 threads");
            }
        }

        using var document = JsonDocument.Parse(File.ReadAllBytes(Fixtures.Path("tiny-jina-v4", "expected.json")));
        var items = document.RootElement.GetProperty("image_cases").EnumerateArray()
            .Where(c => !c.TryGetProperty("error", out _))
            .Select(c => EmbeddingInput.FromImageFile(Fixtures.Path("tiny-jina-v4", c.GetProperty("file").GetString()!)))
            .Concat(FixtureTexts("tiny-jina-v4").Texts.Select(EmbeddingInput.FromText))
            .ToList();
        var options = new EmbedOptions { Task = "retrieval.passage", Output = EmbeddingOutput.Both };
        using var v4One = Embedder.Load(Fixtures.Path("tiny-jina-v4"), new EmbedderOptions { Threads = 1 });
        using var v4Three = Embedder.Load(Fixtures.Path("tiny-jina-v4"), new EmbedderOptions { Threads = 3 });
        var r1 = v4One.Embed(new EmbeddingRequest(items, options));
        var r3 = v4Three.Embed(new EmbeddingRequest(items, options));
        for (int i = 0; i < items.Count; i++)
        {
            ReproducibleKernelTests.AssertBitwise(r1.Embeddings[i], r3.Embeddings[i], $"tiny-jina-v4 item {i}, 1 vs 3 threads");
            ReproducibleKernelTests.AssertBitwise(r1.MultiVectors![i].Values, r3.MultiVectors![i].Values, $"tiny-jina-v4 item {i}, 1 vs 3 threads (multi-vector)");
        }
    }

    // Distinct flat input_ids of a fixture's cases (tiny-jina-v3's batch cases hold lists of lists: skipped).
    private static List<int[]> FixtureInputIds(string fixture, string section)
    {
        using var document = JsonDocument.Parse(File.ReadAllBytes(Fixtures.Path(fixture, "expected.json")));
        var inputs = new List<int[]>();
        foreach (var c in document.RootElement.GetProperty(section).EnumerateArray())
        {
            if (c.TryGetProperty("input_ids", out var ids) && ids.ValueKind == JsonValueKind.Array && ids.EnumerateArray().All(v => v.ValueKind == JsonValueKind.Number))
            {
                var array = ids.EnumerateArray().Select(v => v.GetInt32()).ToArray();
                if (!inputs.Any(a => a.AsSpan().SequenceEqual(array)))
                {
                    inputs.Add(array);
                }
            }
        }

        Assert.True(inputs.Count >= 3, $"{fixture}/expected.json {section} should hold several inputs, found {inputs.Count}");
        return inputs;
    }

    // The distinct texts of a fixture's single-text cases (tiny-jina-v3's 3000-token ones are left to the forward-pass test) and the tasks they are embedded with.
    private static (List<string> Texts, List<string?> Tasks) FixtureTexts(string fixture)
    {
        using var document = JsonDocument.Parse(File.ReadAllBytes(Fixtures.Path(fixture, "expected.json")));
        var root = document.RootElement;
        var cases = fixture switch
        {
            "tiny-jina-v4" => root.GetProperty("text_cases").EnumerateArray().ToList(),
            "tiny-jina-v3" => root.GetProperty("cases").EnumerateArray().Where(c => c.GetProperty("kind").GetString() == "single").ToList(),
            _ => root.GetProperty("cases").EnumerateArray().ToList(),
        };
        var texts = cases.Select(c => c.GetProperty("text").GetString()!).Distinct().ToList();
        List<string?> tasks = fixture switch
        {
            "tiny-jina-v3" => [null, "retrieval.query", "retrieval.passage", "separation", "classification", "text-matching"],
            "tiny-jina-v4" => ["retrieval.query", "retrieval.passage", "text-matching", "code.query", "code.passage"],
            _ => [null],
        };
        Assert.True(texts.Count >= 5, $"{fixture}/expected.json should hold several texts, found {texts.Count}");
        return (texts, tasks);
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int seen;
        while ((seen = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, seen) != seen)
        {
        }
    }
}
