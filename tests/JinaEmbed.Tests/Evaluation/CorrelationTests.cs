// Pearson and Spearman against hand-computed values, including tied ranks.
using JinaEmbed.Evaluation;

namespace JinaEmbed.Tests.Evaluation;

public sealed class CorrelationTests
{
    [Fact]
    public void Ranks_AverageTies()
    {
        Assert.Equal([1.0, 2.5, 2.5, 4.0], Correlation.Ranks([10, 20, 20, 30]));
        Assert.Equal([3.0, 1.0, 2.0], Correlation.Ranks([5, -1, 0]));
    }

    [Fact]
    public void Pearson_MatchesHandComputation()
    {
        // x = 1,2,3,4 ; y = 2,4,5,4 → sxy 3.5, sxx 5, syy 4.75 → r = 3.5 / sqrt(23.75).
        Assert.Equal(3.5 / Math.Sqrt(23.75), Correlation.Pearson([1, 2, 3, 4], [2, 4, 5, 4]), 12);
    }

    [Fact]
    public void Spearman_IsOneForMonotoneAndMinusOneForReversed()
    {
        Assert.Equal(1, Correlation.Spearman([1, 2, 3, 4], [1, 8, 27, 64]), 12);
        Assert.Equal(-1, Correlation.Spearman([1, 2, 3, 4], [9, 4, 1, 0]), 12);
    }
}
