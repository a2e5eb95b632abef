// late_chunking over HTTP: spans of one joined sequence (model spec §7.4) and overlapping windows beyond the
// context (§7.5), checked against the toy encoder run by hand.
using JinaEmbed.Embedding.Scheduling;
using JinaEmbed.Models;

namespace JinaEmbed.Server.Tests;

public class LateChunkingTests : IClassFixture<ToyServerFixture>
{
    private readonly RunningServer server;

    public LateChunkingTests(ToyServerFixture fixture) => server = fixture.Running;

    [Fact]
    public void SpansCoverPromptAndSpecialsAndSplitAtChunkEnds()
    {
        // "P: " + "a b" + " " + "c d e" → <s> P: a b c d e </s>
        var encoding = ToyBackend.Encode("P: a b c d e", true);
        Assert.Equal([(0, 4), (4, 8)], ScheduledEmbedding.ChunkSpans(encoding, ["a b", "c d e"], 3));

        // Empty items get empty spans and do not move the others.
        var plain = ToyBackend.Encode("x  y", true);
        Assert.Equal([(0, 2), (2, 2), (2, 4)], ScheduledEmbedding.ChunkSpans(plain, ["x", "", "y"], 0));
    }

    [Fact]
    public void SpansMatchTheTinyFixtureWithTheRealTokenizer()
    {
        var tokenizer = JinaEmbed.Tokenization.Tokenizer.FromFile(Fixtures.Path("tiny-jina-v3", "tokenizer.json"));
        using var expected = System.Text.Json.JsonDocument.Parse(File.ReadAllBytes(Fixtures.Path("tiny-jina-v3", "expected.json")));
        int checkedCases = 0;
        foreach (var testCase in expected.RootElement.GetProperty("late_chunking").EnumerateArray())
        {
            var chunks = testCase.GetProperty("chunks").EnumerateArray().Select(c => c.GetString()!).ToArray();
            var instruction = testCase.GetProperty("instruction").GetString()!;
            var encoding = tokenizer.Encode(instruction + string.Join(' ', chunks));
            Assert.Equal(testCase.GetProperty("joined_input_ids").EnumerateArray().Select(v => v.GetInt32()), encoding.Ids);
            var spans = ScheduledEmbedding.ChunkSpans(encoding, chunks, instruction.Length);
            var want = testCase.GetProperty("spans").EnumerateArray().Select(p => (p[0].GetInt32(), p[1].GetInt32())).ToArray();
            Assert.True(want.SequenceEqual(spans), $"{testCase.GetProperty("name")} / {testCase.GetProperty("task")}: {string.Join(' ', spans)}");
            checkedCases++;
        }

        Assert.Equal(6, checkedCases);
    }

    [Fact]
    public void WindowsOverlapAndEndAtTheLastToken()
    {
        Assert.Equal([(0, 64)], ScheduledEmbedding.Windows(64, 64, 16));
        Assert.Equal([(0, 64), (48, 65)], ScheduledEmbedding.Windows(65, 64, 16));
        Assert.Equal([(0, 64), (48, 112), (96, 152)], ScheduledEmbedding.Windows(152, 64, 16));
    }

    [Fact]
    public async Task ChunksArePooledFromOneSequence()
    {
        var body = await server.EmbedAsync("""{"input": ["alpha beta", "gamma delta epsilon"], "late_chunking": true, "task": "retrieval.passage", "normalized": false}""");
        var vectors = RunningServer.Vectors(body);
        var encoding = ToyBackend.Encode("Represent the document for retrieval: alpha beta gamma delta epsilon", true);
        var states = new ToyEncoderModel().Forward(EncoderBatch.FromSequences([encoding.Ids], [1]));
        Assert.Equal(encoding.Count, body.GetProperty("usage").GetProperty("total_tokens").GetInt32());
        Vectors.AssertClose(Mean(states, 0, 8), vectors[0], 1e-6, "chunk 0 (<s>, prompt, alpha beta)");
        Vectors.AssertClose(Mean(states, 8, encoding.Count), vectors[1], 1e-6, "chunk 1 (gamma delta epsilon </s>)");
    }

    [Fact]
    public async Task InputsBeyondTheContextRunInOverlappingWindows()
    {
        var words = Enumerable.Range(0, 150).Select(i => $"w{i}").ToArray();
        var chunks = new[] { string.Join(' ', words[..40]), string.Join(' ', words[40..100]), string.Join(' ', words[100..]) };
        var json = System.Text.Json.JsonSerializer.Serialize(new { input = chunks, late_chunking = true, task = "none", normalized = false, dimensions = 12 });
        var body = await server.EmbedAsync(json);
        var vectors = RunningServer.Vectors(body);

        // 152 tokens, windows [0, 64), [48, 112), [96, 152); later windows drop their first 16 states.
        var ids = ToyBackend.Encode(string.Join(' ', chunks), true).Ids;
        var model = new ToyEncoderModel();
        var kept = new float[ids.Length * 16];
        foreach (var (start, end) in ScheduledEmbedding.Windows(ids.Length, 64, 16))
        {
            var states = model.Forward(EncoderBatch.FromSequences([ids[start..end]], [-1]));
            int keepFrom = start == 0 ? 0 : 16;
            Array.Copy(states, keepFrom * 16, kept, (start + keepFrom) * 16, (end - start - keepFrom) * 16);
        }

        Assert.Equal(64 + 64 + 56, body.GetProperty("usage").GetProperty("total_tokens").GetInt32());
        Vectors.AssertClose(Mean(kept, 0, 41)[..12], vectors[0], 1e-6, "chunk 0");
        Vectors.AssertClose(Mean(kept, 41, 101)[..12], vectors[1], 1e-6, "chunk 1");
        Vectors.AssertClose(Mean(kept, 101, 152)[..12], vectors[2], 1e-6, "chunk 2");
    }

    private static float[] Mean(float[] states, int start, int end)
    {
        var mean = new float[16];
        for (int h = 0; h < 16; h++)
        {
            double sum = 0;
            for (int t = start; t < end; t++)
            {
                sum += states[(t * 16) + h];
            }

            mean[h] = (float)(sum / (end - start));
        }

        return mean;
    }
}
