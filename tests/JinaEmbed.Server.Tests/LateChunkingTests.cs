// late_chunking over HTTP: spans of one joined sequence (model spec §7.4) and overlapping windows beyond the
// context (§7.5), checked against the toy encoder run by hand.
using JinaEmbed.Models;

namespace JinaEmbed.Server.Tests;

public class LateChunkingTests : IClassFixture<ToyServerFixture>
{
    private readonly RunningServer server;

    public LateChunkingTests(ToyServerFixture fixture) => server = fixture.Running;

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
        foreach (var (start, end) in new[] { (0, 64), (48, 112), (96, 152) })
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
