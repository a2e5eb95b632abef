// A peak-throughput reading taken over several trials (issue #15): the best trial is the peak, the spread shows how
// loaded the machine was, and a measured figure above the peak is reported as a measurement error, not as a ratio.
namespace JinaEmbed.Compute;

/// <summary>Peak throughput over several trials: <see cref="Best"/> is the peak; min / median / max give the spread.</summary>
public sealed record PeakReading(string Unit, double Best, double Min, double Median, double Max, int Trials)
{
    /// <summary>Builds a reading from per-trial throughputs (the best trial is the peak).</summary>
    public static PeakReading FromTrials(string unit, IReadOnlyList<double> trials)
    {
        ArgumentNullException.ThrowIfNull(trials);
        ArgumentOutOfRangeException.ThrowIfZero(trials.Count);
        var sorted = trials.Order().ToArray();
        int n = sorted.Length;
        double median = n % 2 == 1 ? sorted[n / 2] : (sorted[(n / 2) - 1] + sorted[n / 2]) / 2;
        return new PeakReading(unit, sorted[^1], sorted[0], median, sorted[^1], n) { TrialValues = [.. trials] };
    }

    /// <summary>Every trial's throughput, in the order measured.</summary>
    public IReadOnlyList<double> TrialValues { get; init; } = [];

    /// <summary>
    /// The reading over this one's trials and <paramref name="later"/>'s: a probe repeated after the work it is the
    /// denominator for, so a burst of load during either probe (a build server finishing, a neighbour) cannot set the peak.
    /// </summary>
    public PeakReading Merge(PeakReading later)
    {
        ArgumentNullException.ThrowIfNull(later);
        return Unit == later.Unit ? FromTrials(Unit, [.. TrialValues, .. later.TrialValues])
            : throw new ArgumentException($"Cannot merge a {later.Unit} reading into a {Unit} one.", nameof(later));
    }

    /// <summary>
    /// <paramref name="value"/> / <see cref="Best"/>, or null when that exceeds 1 (or the peak is not positive): a
    /// figure above its own peak is a measurement error (a peak probe slowed by load, or a timing mistake), never a ratio.
    /// </summary>
    public double? Fraction(double value) => Best > 0 && double.IsFinite(value) && value >= 0 && value <= Best ? value / Best : null;

    /// <summary>"x % of peak", or a flagged measurement error when the figure exceeds the peak.</summary>
    public string DescribeFraction(double value) =>
        Fraction(value) is { } f ? $"{100 * f:F0} % of peak" : $"MEASUREMENT ERROR: {value:F1} {Unit} exceeds the measured peak {Best:F1}";

    /// <summary>"best (min / median / max over n trials) unit".</summary>
    public override string ToString() => $"{Best:F1} {Unit} (min {Min:F1} / median {Median:F1} / max {Max:F1} over {Trials} trials)";
}
