// "Flat after warm-up": each metric's median over the last window of the run grows by at most a tolerance over its
// median in the first window after warm-up. Medians of windows, not single samples, so one GC pause or a burst of
// thread-pool growth does not decide the verdict; a steady leak still moves the later median. Only growth fails: a
// leak grows, while a drop is the thread pool retiring idle workers or the GC returning memory (printed as such).
namespace JinaEmbed.Soak;

/// <summary>The verdict of one metric.</summary>
internal sealed record MetricVerdict(string Name, double Baseline, double Final, double Peak, double Change, bool Flat)
{
    /// <summary>What the table says.</summary>
    public string Word(double tolerance) => !Flat ? "GREW" : Change < -tolerance ? "flat (shrank)" : "flat";
}

/// <summary>Compares windows of samples.</summary>
internal static class Flatness
{
    /// <summary>
    /// Baseline: samples with <c>Done</c> in (warmUp, warmUp + window]; final: samples in (total − window, total].
    /// Flat when final / baseline − 1 ≤ <paramref name="tolerance"/>.
    /// </summary>
    public static MetricVerdict Judge(string name, IReadOnlyList<ProcessSample> samples, Func<ProcessSample, double> metric, int total, double warmUpFraction, double windowFraction, double tolerance)
    {
        int warmUp = (int)(total * warmUpFraction);
        int window = Math.Max(1, (int)(total * windowFraction));
        var first = samples.Where(s => s.Done > warmUp && s.Done <= warmUp + window).Select(metric).ToList();
        var last = samples.Where(s => s.Done > total - window).Select(metric).ToList();
        if (first.Count == 0 || last.Count == 0)
        {
            throw new InvalidOperationException($"{name}: too few samples for the windows (baseline {first.Count}, final {last.Count}); sample more often");
        }

        double baseline = Median(first), final = Median(last);
        double peak = samples.Where(s => s.Done > warmUp).Select(metric).Max();
        double change = final / baseline - 1;
        return new MetricVerdict(name, baseline, final, peak, change, change <= tolerance);
    }

    public static double Median(IReadOnlyList<double> values)
    {
        var sorted = values.Order().ToArray();
        int middle = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }
}
