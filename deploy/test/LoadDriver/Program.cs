// JinaEmbed.LoadDriver: the client of deploy/test/replicas.sh (docs/deployment.md "Fault test").
//   1. one single-item request per distinct (text, task, dimensions), one at a time, to --reference: the reference bits;
//   2. the workload through --target with --concurrency requests in flight, progress in --progress (the script
//      injects its faults at fractions of it); every vector is compared bit for bit with its reference;
//   3. with --baseline, the same workload against one replica directly, for the throughput ratio.
// Exit 0 only when no request failed and every vector equals its reference; 2 on bad arguments.
using System.Diagnostics;
using System.Globalization;
using JinaEmbed.Deploy.LoadDriver;

var options = Args.Parse(args);
if (options is null)
{
    Console.Error.WriteLine("usage: JinaEmbed.LoadDriver --target URL --reference URL [--baseline URL] [--requests 2000] [--concurrency 48] [--texts 150] [--seed 17] [--progress FILE]");
    return 2;
}

var workload = Workload.Create(options.Seed, options.Requests, options.Texts);
using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = options.Concurrency, PooledConnectionLifetime = TimeSpan.FromMinutes(5) })
{
    Timeout = TimeSpan.FromSeconds(120),
};
var client = new EmbeddingsClient(http);

// 1. References, one request at a time, so no other request shares their batch.
var keys = workload.DistinctKeys;
var reference = new Dictionary<VectorKey, byte[]>();
var clock = Stopwatch.StartNew();
foreach (var key in keys)
{
    var result = await client.EmbedAsync(options.Reference, [workload.Texts[key.Text]], key.Task, key.Dimensions, CancellationToken.None);
    if (result.Vectors is null)
    {
        Console.Error.WriteLine($"reference request failed ({result.Status}): {result.Error}");
        return 1;
    }

    reference[key] = result.Vectors[0];
}

Console.WriteLine(Invariant($"reference: {keys.Count} distinct vectors ({workload.Texts.Length} texts × tasks × widths), one request each to {options.Reference}, {clock.Elapsed.TotalSeconds:F1} s"));

// 2. The load through the balancer.
var run = await LoadRun.ExecuteAsync(client, options.Target, workload, reference, options.Concurrency, options.Progress);
run.Print("load balancer", options.Target);
bool passed = run.Passed;

// 3. The same load against one replica.
if (options.Baseline is { } baseline)
{
    var single = await LoadRun.ExecuteAsync(client, baseline, workload, reference, options.Concurrency, progress: null);
    single.Print("one replica", baseline);
    Console.WriteLine(Invariant($"throughput ratio (load balancer / one replica): {run.RequestsPerSecond / single.RequestsPerSecond:F2}"));
    passed &= single.Passed;
}

Console.WriteLine(passed ? "PASS" : "FAIL");
return passed ? 0 : 1;

static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

/// <summary>Command-line options.</summary>
internal sealed record Args(Uri Target, Uri Reference, Uri? Baseline, int Requests, int Concurrency, int Texts, int Seed, string? Progress)
{
    public static Args? Parse(string[] args)
    {
        var values = new Dictionary<string, string>();
        for (int i = 0; i + 1 < args.Length; i += 2)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal))
            {
                return null;
            }

            values[args[i][2..]] = args[i + 1];
        }

        if (args.Length % 2 != 0 || !values.TryGetValue("target", out var target) || !values.TryGetValue("reference", out var reference))
        {
            return null;
        }

        int Int(string name, int fallback) => values.TryGetValue(name, out var v) ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;
        static Uri Url(string value) => new(value.EndsWith('/') ? value : value + "/");
        return new Args(
            Url(target),
            Url(reference),
            values.TryGetValue("baseline", out var baseline) ? Url(baseline) : null,
            Int("requests", 2000),
            Int("concurrency", 48),
            Int("texts", 150),
            Int("seed", 17),
            values.GetValueOrDefault("progress"));
    }
}
