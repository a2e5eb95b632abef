// The outcome of an STS evaluation (docs/models.md).
namespace JinaEmbed.Evaluation;

/// <summary>Correlations (×100) of cosine similarity with gold scores, and the speed.</summary>
public sealed record StsResult(int Pairs, int UniqueSentences, double Spearman, double Pearson, TimeSpan Elapsed)
{
    /// <summary>Pairs scored per second, embedding included.</summary>
    public double PairsPerSecond => Pairs / Math.Max(Elapsed.TotalSeconds, 1e-9);
}
