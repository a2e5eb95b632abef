// Soak driver (tests/suites/soak.sh starts the server and this):
//   JinaEmbed.Soak free-port                      prints a free loopback TCP port
//   JinaEmbed.Soak run --url URL --pid PID --model DIR [--requests N] [--concurrency C] [--samples S]
// Sends N mixed requests (SOAK_REQUESTS, default 20000) with at most C in flight, checks every answer against the
// contract (status, item count, vector length; never a 5xx), samples the server's RSS, threads and open handles S
// times, and fails when a metric grows after warm-up (Flatness). Exit code 0 only when everything held.
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using JinaEmbed.Soak;

if (args.Length > 0 && args[0] == "free-port")
{
    using var listener = new TcpListener(IPAddress.Loopback, 0);
    listener.Start();
    Console.WriteLine(((IPEndPoint)listener.LocalEndpoint).Port);
    return 0;
}

if (args.Length == 0 || args[0] != "run")
{
    Console.Error.WriteLine("usage: JinaEmbed.Soak free-port | run --url URL --pid PID --model DIR [--requests N] [--concurrency C] [--samples S]");
    return 2;
}

string Option(string name, string? fallback = null)
{
    int at = Array.IndexOf(args, name);
    return at >= 0 && at + 1 < args.Length ? args[at + 1] : fallback ?? throw new ArgumentException($"{name} is required");
}

var url = new Uri(Option("--url"));
int pid = int.Parse(Option("--pid"), CultureInfo.InvariantCulture);
string modelFolder = Option("--model");
int total = int.Parse(Option("--requests", Environment.GetEnvironmentVariable("SOAK_REQUESTS") ?? "20000"), CultureInfo.InvariantCulture);
int concurrency = int.Parse(Option("--concurrency", "4"), CultureInfo.InvariantCulture);
int sampleCount = int.Parse(Option("--samples", "50"), CultureInfo.InvariantCulture);
const double WarmUp = 0.2, Window = 0.1, Tolerance = 0.10;

using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = concurrency, PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5) })
{
    BaseAddress = url,
    Timeout = TimeSpan.FromSeconds(60),
};

// The model's sizes come from the server and the folder it serves, so the mix fits whatever model that is.
if (!await WaitReadyAsync(http, pid, TimeSpan.FromSeconds(180)))
{
    Console.Error.WriteLine($"soak: {url}ready did not answer 200 within 180 s, or the server (pid {pid}) exited");
    return 1;
}

using var info = JsonDocument.Parse(await http.GetStringAsync("/info"));
int hidden = info.RootElement.GetProperty("hidden_size").GetInt32();
using var config = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(modelFolder, "config.json")));
int vocabulary = config.RootElement.GetProperty("vocab_size").GetInt32();
var mix = new RequestMix(hidden, vocabulary);

int sampleEvery = Math.Max(1, total / sampleCount);
var samples = new List<ProcessSample> { ProcessSample.Read(pid, 0) };
var byKind = new Dictionary<string, (int Count, int Failed)>();
var failures = new List<string>();
int serverErrors = 0, done = 0, next = -1;
var serverCpuBefore = ProcessSample.CpuTime(pid);
var driverCpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
var clock = Stopwatch.StartNew();

await Task.WhenAll(Enumerable.Range(0, concurrency).Select(_ => Task.Run(WorkerAsync)));
clock.Stop();
bool alive = File.Exists($"/proc/{pid}/status");
double serverCpu = alive ? (ProcessSample.CpuTime(pid) - serverCpuBefore).TotalSeconds : double.NaN;
double driverCpu = (Process.GetCurrentProcess().TotalProcessorTime - driverCpuBefore).TotalSeconds;

Console.WriteLine($"soak: {total} requests, {concurrency} in flight, {clock.Elapsed.TotalSeconds:0.0} s ({total / clock.Elapsed.TotalSeconds:0} requests/s) against pid {pid}");
// CPU time does not depend on what else the machine runs, unlike the wall time.
Console.WriteLine($"soak: CPU time: server {serverCpu:0.0} s ({1000 * serverCpu / total:0.00} ms a request), driver {driverCpu:0.0} s");
Console.WriteLine($"{"kind",-12} {"requests",9} {"failed",7}");
foreach (var (kind, (count, failed)) in byKind.OrderBy(k => k.Key, StringComparer.Ordinal))
{
    Console.WriteLine($"{kind,-12} {count,9} {failed,7}");
}

Console.WriteLine();
Console.WriteLine($"{"sample",6} {"done",7} {"rss MiB",8} {"threads",7} {"handles",7}");
for (int i = 0; i < samples.Count; i++)
{
    var s = samples[i];
    string phase = s.Done <= total * WarmUp ? " warm-up" : s.Done <= total * (WarmUp + Window) ? " baseline" : s.Done > total * (1 - Window) ? " final" : "";
    Console.WriteLine($"{i,6} {s.Done,7} {s.RssKilobytes / 1024.0,8:0.0} {s.Threads,7} {s.Handles,7}{phase}");
}

var verdicts = new[]
{
    Flatness.Judge("rss MiB", samples, s => s.RssKilobytes / 1024.0, total, WarmUp, Window, Tolerance),
    Flatness.Judge("threads", samples, s => s.Threads, total, WarmUp, Window, Tolerance),
    Flatness.Judge("handles", samples, s => s.Handles, total, WarmUp, Window, Tolerance),
};
Console.WriteLine();
Console.WriteLine($"flat after warm-up: median of the final {Window:P0} of requests at most {Tolerance:P0} above the median of the {Window:P0} after the first {WarmUp:P0}");
Console.WriteLine($"{"metric",-8} {"baseline",9} {"final",9} {"peak",9} {"change",8}  verdict");
foreach (var m in verdicts)
{
    Console.WriteLine($"{m.Name,-8} {m.Baseline,9:0.0} {m.Final,9:0.0} {m.Peak,9:0.0} {m.Change,8:+0.0%;-0.0%}  {m.Word(Tolerance)}");
}

foreach (var failure in failures.Take(20))
{
    Console.WriteLine($"failure: {failure}");
}

bool passed = alive && failures.Count == 0 && serverErrors == 0 && verdicts.All(m => m.Flat);
Console.WriteLine($"soak: {(passed ? "PASSED" : "FAILED")}: {failures.Count} wrong answers, {serverErrors} 5xx, server {(alive ? "alive" : "GONE")}, {verdicts.Count(m => !m.Flat)} metrics grew");
return passed ? 0 : 1;

async Task WorkerAsync()
{
    for (int i = Interlocked.Increment(ref next); i < total; i = Interlocked.Increment(ref next))
    {
        var request = mix.Build(i);
        string? problem;
        int status = 0;
        try
        {
            using var message = new HttpRequestMessage(new HttpMethod(request.Method), request.Path);
            if (request.Body != null)
            {
                message.Content = new ByteArrayContent(request.Body);
                message.Content.Headers.ContentType = new("application/json");
            }

            using var response = await http.SendAsync(message);
            status = (int)response.StatusCode;
            var body = await response.Content.ReadAsByteArrayAsync();
            problem = Check(request, status, body);
        }
        catch (Exception error) when (error is HttpRequestException or TaskCanceledException or JsonException)
        {
            problem = $"{error.GetType().Name}: {error.Message}";
        }

        lock (samples)
        {
            var (count, failed) = byKind.GetValueOrDefault(request.Kind);
            byKind[request.Kind] = (count + 1, failed + (problem == null ? 0 : 1));
            if (status >= 500)
            {
                serverErrors++;
            }

            if (problem != null)
            {
                failures.Add($"request {i} ({request.Kind} {request.Method} {request.Path}): {problem}");
            }

            if (++done % sampleEvery == 0 || done == total)
            {
                samples.Add(ProcessSample.Read(pid, done));
            }

            if (done % Math.Max(1, total / 10) == 0)
            {
                Console.WriteLine($"soak: {done}/{total} after {clock.Elapsed.TotalSeconds:0} s, {failures.Count} wrong answers");
            }
        }
    }
}

static string? Check(SoakRequest request, int status, byte[] body)
{
    if (status != request.Status)
    {
        return $"status {status}, expected {request.Status}: {System.Text.Encoding.UTF8.GetString(body.AsSpan(0, Math.Min(body.Length, 300)))}";
    }

    if (status != 200 || request.Items == 0)
    {
        return null;
    }

    using var json = JsonDocument.Parse(body);
    var data = json.RootElement.GetProperty("data");
    if (data.GetArrayLength() != request.Items)
    {
        return $"{data.GetArrayLength()} entries in data, expected {request.Items}";
    }

    if (request.Dimensions is { } dimensions)
    {
        foreach (var item in data.EnumerateArray())
        {
            int length = item.GetProperty("embedding").GetArrayLength();
            if (length != dimensions)
            {
                return $"a vector of {length} values, expected {dimensions}";
            }
        }
    }

    return null;
}

static async Task<bool> WaitReadyAsync(HttpClient http, int pid, TimeSpan limit)
{
    var clock = Stopwatch.StartNew();
    while (clock.Elapsed < limit && File.Exists($"/proc/{pid}/status"))
    {
        try
        {
            using var response = await http.GetAsync("/ready");
            if (response.StatusCode == HttpStatusCode.OK)
            {
                return true;
            }
        }
        catch (HttpRequestException)
        {
            // Not bound yet.
        }

        await Task.Delay(200);
    }

    return false;
}
