using JinaEmbed.Compute;

namespace JinaEmbed.Tests.Compute;

// The bench's peak probe (issue #15): best of several trials with the spread, and no ratio above 1.
public class PeakReadingTests
{
    [Fact]
    public void FromTrialsKeepsBestAndSpread()
    {
        var reading = PeakReading.FromTrials("GFLOP/s", [141, 430, 420, 300]);
        Assert.Equal(430, reading.Best);
        Assert.Equal(141, reading.Min);
        Assert.Equal(360, reading.Median);
        Assert.Equal(430, reading.Max);
        Assert.Equal(4, reading.Trials);
    }

    [Fact]
    public void MergeTakesTheBestAndSpreadOfBothProbes()
    {
        // A probe slowed by load at the start (the bench's first seconds), and one after the work.
        var before = PeakReading.FromTrials("GFLOP/s", [215, 274, 402, 230, 260]);
        var merged = before.Merge(PeakReading.FromTrials("GFLOP/s", [431, 428, 419]));
        Assert.Equal(431, merged.Best);
        Assert.Equal(215, merged.Min);
        Assert.Equal(8, merged.Trials);
        Assert.Equal((274 + 402) / 2.0, merged.Median);
        Assert.Equal(new double[] { 215, 274, 402, 230, 260, 431, 428, 419 }, merged.TrialValues);
        Assert.Null(before.Fraction(409.7));
        Assert.Equal(409.7 / 431, merged.Fraction(409.7));
        Assert.Throws<ArgumentException>(() => before.Merge(PeakReading.FromTrials("int8 GOP/s", [800])));
    }

    [Fact]
    public void FractionAboveThePeakIsAMeasurementError()
    {
        var reading = PeakReading.FromTrials("GFLOP/s", [141]);
        Assert.Equal(0.5, reading.Fraction(70.5));
        Assert.Equal(1.0, reading.Fraction(141));
        Assert.Null(reading.Fraction(382)); // the "271 % of peak" case
        Assert.Null(reading.Fraction(double.NaN));
        Assert.Contains("MEASUREMENT ERROR", reading.DescribeFraction(382), StringComparison.Ordinal);
        Assert.Equal("50 % of peak", reading.DescribeFraction(70.5));
        Assert.Null(PeakReading.FromTrials("x", [0]).Fraction(0));
    }

    [Theory]
    [InlineData(IsaTier.Portable, false)]
    [InlineData(IsaTier.Avx2, false)]
    [InlineData(IsaTier.Avx512, false)]
    [InlineData(IsaTier.Avx512, true)]
    public void ProbesReturnPositiveReadingsOnEveryPath(IsaTier tier, bool vnni)
    {
        var context = new ComputeContext(2, tier, vnni);
        foreach (var reading in new[] { FmaPeak.Measure(context, 3, 20_000), FmaPeak.MeasureInt8(context, 3, 20_000) })
        {
            Assert.Equal(3, reading.Trials);
            Assert.True(reading.Min > 0 && double.IsFinite(reading.Max), reading.ToString());
            Assert.True(reading.Min <= reading.Median && reading.Median <= reading.Max && reading.Best == reading.Max, reading.ToString());
        }

        Assert.Equal("int8 GOP/s", FmaPeak.MeasureInt8(context, 1, 1000).Unit);
    }
}
