// Spec §11.3 "Discrimination": plausible mistakes of §11.4 switched on in the engine must break the parity tolerances,
// so the parity tests can fail. Run on the realdims fixture (real head and rotary sizes).
using System.Text.Json;
using JinaEmbed.Embedding;
using JinaEmbed.Models;

namespace JinaEmbed.Tests.Models;

public sealed class JinaV4MutationTests
{
    [Theory]
    [InlineData(nameof(JinaV4Mutation.BidirectionalAttention))]
    [InlineData(nameof(JinaV4Mutation.LoraScaleOne))]
    [InlineData(nameof(JinaV4Mutation.NoFinalNorm))]
    public void ForwardMutationBreaksTheSingleVectorTolerance(string mutationName)
    {
        var mutation = Enum.Parse<JinaV4Mutation>(mutationName);
        var (expected, c) = RealDimsCase("ids_23/retrieval");
        using var embedder = Embedder.Load(Fixtures.Path("tiny-jina-v4-realdims"), new EmbedderOptions { Threads = 2 });
        var ids = Parity.Ints(c.GetProperty("input_ids"));
        var official = Parity.Floats(c.GetProperty("single"));
        double tolerance = JinaV4Fixture.Tolerance(expected, "single_abs");
        var options = new EmbedOptions { Task = "retrieval.query" };

        // As specified the case passes; with the mutation the same comparison fails by far more than the tolerance.
        Assert.True(Parity.MaxAbs(embedder.EmbedTokenIds([ids], options)[0], official) <= tolerance);
        ((JinaV4Model)embedder.Model).Mutation = mutation;
        double diff = Parity.MaxAbs(embedder.EmbedTokenIds([ids], options)[0], official);
        Assert.True(diff > 10 * tolerance, $"{mutation}: max abs diff {diff:E2} would pass a {tolerance:E0} tolerance");
    }

    [Fact]
    public void PoolingWithoutThePrefixTokensBreaksTheTolerance()
    {
        // The single-vector span of a text is every token, the prefix included (spec §8.1): leaving out the first
        // three tokens (the prefix of a real text) is caught.
        var (expected, c) = RealDimsCase("ids_23/code");
        using var embedder = Embedder.Load(Fixtures.Path("tiny-jina-v4-realdims"), new EmbedderOptions { Threads = 2 });
        var ids = Parity.Ints(c.GetProperty("input_ids"));
        var task = embedder.ResolveTask("code.query");
        var states = embedder.Model.Forward(EncoderBatch.FromSequences([ids], [task.Adapter]));
        var options = new EmbedOptions();
        var official = Parity.Floats(c.GetProperty("single"));
        double tolerance = JinaV4Fixture.Tolerance(expected, "single_abs");
        Assert.True(Parity.MaxAbs(embedder.Pool(states, 0, ids.Length, options), official) <= tolerance);
        double diff = Parity.MaxAbs(embedder.Pool(states, 3, ids.Length, options), official);
        Assert.True(diff > 10 * tolerance, $"pool without prefix: max abs diff {diff:E2}");
    }

    private static (JsonDocument Expected, JsonElement Case) RealDimsCase(string id)
    {
        var expected = JsonDocument.Parse(File.ReadAllBytes(Fixtures.Path("tiny-jina-v4-realdims", "expected.json")));
        return (expected, expected.RootElement.GetProperty("id_cases").EnumerateArray().Single(c => c.GetProperty("id").GetString() == id));
    }
}
