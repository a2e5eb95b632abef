// all-MiniLM-L6-v2 on the STS Benchmark test set: Spearman ×100 must be the published 82.03 ± 0.02.
using JinaEmbed.Evaluation;
using JinaEmbed.Tests.Bert;

namespace JinaEmbed.Tests.Evaluation;

public sealed class StsBenchmarkTests(MiniLmFixture fixture) : IClassFixture<MiniLmFixture>
{
    private static string TestSet => Path.Combine(Fixtures.Shared, "datasets", "stsbenchmark", "sts-test.csv");

    [Fact]
    public void Load_ReadsEveryPair_IgnoringExtraColumns()
    {
        var pairs = StsBenchmark.Load(TestSet);
        Assert.Equal(1379, pairs.Count);
        Assert.Equal(new StsPair("A girl is styling her hair.", "A girl is brushing her hair.", 2.5), pairs[0]);
        Assert.All(pairs, p => Assert.InRange(p.Score, 0, 5));
    }

    [Fact]
    public void MiniLm_ScoresPublishedSpearman()
    {
        var result = StsBenchmark.Evaluate(fixture.Embedder, StsBenchmark.Load(TestSet));
        Assert.Equal(1379, result.Pairs);
        Assert.InRange(result.Spearman, 82.01, 82.05);
        Assert.InRange(result.Pearson, 82.0, 83.5);
    }
}
