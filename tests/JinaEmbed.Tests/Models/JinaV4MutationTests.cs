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

    [Theory]
    [InlineData(nameof(JinaV4Mutation.NoWindowOrder))]
    [InlineData(nameof(JinaV4Mutation.WindowOrderKept))]
    [InlineData(nameof(JinaV4Mutation.AllFullAttention))]
    [InlineData(nameof(JinaV4Mutation.OneDimensionalImagePositions))]
    [InlineData(nameof(JinaV4Mutation.BidirectionalAttention))]
    [InlineData("PoolOverAllTokens")]
    public void ImagePathMutationBreaksTheTolerances(string mutationName)
    {
        // The 300×200 image (6 windows, one padded) on the realdims fixture, code adapter (spec §11.4's image rows).
        using var expected = JsonDocument.Parse(File.ReadAllBytes(Fixtures.Path("tiny-jina-v4-realdims", "expected.json")));
        var c = expected.RootElement.GetProperty("image_cases").EnumerateArray().Single(e => e.GetProperty("id").GetString() == "img_300x200");
        var outputs = c.GetProperty("outputs").GetProperty("code").GetProperty("fast");
        using var embedder = Embedder.Load(Fixtures.Path("tiny-jina-v4-realdims"), new EmbedderOptions { Threads = 2 });
        var model = (JinaV4Model)embedder.Model;
        var ids = Parity.Ints(c.GetProperty("input_ids"));
        var patches = JinaV4VisionParityTests.Patches(Fixtures.Path("tiny-jina-v4-realdims"), c, model);
        int adapter = model.Config.TaskNames.ToList().IndexOf("code");
        var options = new EmbedOptions();
        (double Single, double Multi) Run(bool allTokens)
        {
            var states = model.Forward(new EncoderBatch(ids, [0, ids.Length], [adapter]) { Images = [patches] });
            var (start, end) = allTokens ? (0, ids.Length) : JinaV4VisionParityTests.VisionSpan(ids, model.Config, 0);
            var multi = embedder.MultiVectorsFor(adapter, options).Project(states, ids.Length);
            return (Parity.MaxAbs(embedder.Pool(states, start, end, options), Parity.Floats(outputs.GetProperty("single"))),
                Parity.MaxAbs(multi.Values, Parity.Rows(outputs.GetProperty("multi"))));
        }

        double singleTolerance = JinaV4Fixture.Tolerance(expected, "single_abs"), multiTolerance = JinaV4Fixture.Tolerance(expected, "multi_abs");
        var (single, multi) = Run(allTokens: false);
        Assert.True(single <= singleTolerance && multi <= multiTolerance, $"as specified: {single:E2} / {multi:E2}");
        bool allTokens = mutationName == "PoolOverAllTokens";
        if (!allTokens)
        {
            var mutation = Enum.Parse<JinaV4Mutation>(mutationName);
            model.Mutation = mutation;
            model.VisionTower.Mutation = mutation;
        }

        (single, multi) = Run(allTokens);
        Assert.True(single > 10 * singleTolerance || multi > 10 * multiTolerance, $"{mutationName}: single {single:E2}, multi {multi:E2} would pass");
    }

    private static (JsonDocument Expected, JsonElement Case) RealDimsCase(string id)
    {
        var expected = JsonDocument.Parse(File.ReadAllBytes(Fixtures.Path("tiny-jina-v4-realdims", "expected.json")));
        return (expected, expected.RootElement.GetProperty("id_cases").EnumerateArray().Single(c => c.GetProperty("id").GetString() == id));
    }
}
