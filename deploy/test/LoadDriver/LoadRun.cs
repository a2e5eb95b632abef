// One pass of the workload against one address: latency of every request, failures by kind, and every vector compared
// with its single-request reference.
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;

namespace JinaEmbed.Deploy.LoadDriver;

internal sealed class LoadRun
{
    private readonly ConcurrentQueue<double> latencies = new();
    private readonly ConcurrentDictionary<string, int> failures = new();
    private readonly ConcurrentQueue<string> failureSamples = new();
    private readonly object progressLock = new();
    private int completed;
    private long vectorsCompared;
    private long vectorsDifferent;
    private double maxAbsDifference;

    private LoadRun(int requests) => Requests = requests;

    public int Requests { get; }

    public int Failures => failures.Values.Sum();

    public long VectorsDifferent => Interlocked.Read(ref vectorsDifferent);

    public double Seconds { get; private set; }

    public double RequestsPerSecond => Requests / Seconds;

    public bool Passed => Failures == 0 && VectorsDifferent == 0;

    public static async Task<LoadRun> ExecuteAsync(EmbeddingsClient client, Uri server, Workload workload, IReadOnlyDictionary<VectorKey, byte[]> reference, int concurrency, string? progress)
    {
        var run = new LoadRun(workload.Calls.Length);
        run.WriteProgress(progress);
        int next = -1;
        var clock = Stopwatch.StartNew();
        var workers = Enumerable.Range(0, concurrency).Select(_ => Task.Run(async () =>
        {
            for (int i = Interlocked.Increment(ref next); i < workload.Calls.Length; i = Interlocked.Increment(ref next))
            {
                var call = workload.Calls[i];
                var started = Stopwatch.GetTimestamp();
                var result = await client.EmbedAsync(server, [.. call.Texts.Select(t => workload.Texts[t])], call.Task, call.Dimensions, CancellationToken.None).ConfigureAwait(false);
                run.latencies.Enqueue(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                run.Record(call, result, reference);
                if (Interlocked.Increment(ref run.completed) % 20 == 0)
                {
                    run.WriteProgress(progress);
                }
            }
        }));
        await Task.WhenAll(workers).ConfigureAwait(false);
        run.Seconds = clock.Elapsed.TotalSeconds;
        run.WriteProgress(progress);
        return run;
    }

    public void Print(string name, Uri server)
    {
        var sorted = latencies.Order().ToArray();
        double Percentile(double p) => sorted[Math.Max(0, (int)Math.Ceiling(p * sorted.Length) - 1)];
        var text = FormattableString.Invariant(
            $"{name} ({server}): requests {Requests}, failures {Failures}, p50 {Percentile(0.50):F1} ms, p99 {Percentile(0.99):F1} ms, throughput {RequestsPerSecond:F1} requests/s ({Seconds:F1} s); vectors {vectorsCompared}, bitwise different from their single-request reference {VectorsDifferent} (max |difference| {maxAbsDifference:G3})");
        Console.WriteLine(text);
        foreach (var (kind, count) in failures.OrderBy(f => f.Key, StringComparer.Ordinal))
        {
            Console.WriteLine($"  failed: {count} × {kind}");
        }

        foreach (var sample in failureSamples.Take(5))
        {
            Console.WriteLine($"  e.g. {sample}");
        }
    }

    private void Record(EmbedCall call, CallResult result, IReadOnlyDictionary<VectorKey, byte[]> reference)
    {
        if (result.Vectors is null)
        {
            var kind = result.Status == 0 ? "transport error" : $"HTTP {result.Status}";
            failures.AddOrUpdate(kind, 1, (_, n) => n + 1);
            if (failureSamples.Count < 5)
            {
                failureSamples.Enqueue($"{kind}: {result.Error}");
            }

            return;
        }

        for (int item = 0; item < call.Texts.Length; item++)
        {
            var expected = reference[call.Key(item)];
            var actual = result.Vectors[item];
            Interlocked.Increment(ref vectorsCompared);
            if (expected.AsSpan().SequenceEqual(actual))
            {
                continue;
            }

            Interlocked.Increment(ref vectorsDifferent);
            double difference = actual.Length != expected.Length ? double.PositiveInfinity : MaxAbsDifference(expected, actual);
            lock (progressLock)
            {
                maxAbsDifference = Math.Max(maxAbsDifference, difference);
            }
        }
    }

    private static double MaxAbsDifference(byte[] expected, byte[] actual)
    {
        var a = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(expected);
        var b = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(actual);
        double max = 0;
        for (int i = 0; i < a.Length; i++)
        {
            max = Math.Max(max, Math.Abs((double)a[i] - b[i]));
        }

        return max;
    }

    // "completed total", replaced atomically so the script never reads half a line.
    private void WriteProgress(string? path)
    {
        if (path is null)
        {
            return;
        }

        lock (progressLock)
        {
            File.WriteAllText(path + ".tmp", string.Create(CultureInfo.InvariantCulture, $"{Volatile.Read(ref completed)} {Requests}\n"));
            File.Move(path + ".tmp", path, overwrite: true);
        }
    }
}
