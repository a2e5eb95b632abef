// `jinaembed embed --server` and --resume / --shard (issue #17): real servers on loopback ports (tiny-jina-v3), the
// real CLI process, killed at random points and resumed; failover, Retry-After, refusals, torn tails, shards.
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using JinaEmbed.Cli.Commands;
using JinaEmbed.Server;
using Xunit.Abstractions;

namespace JinaEmbed.Tests.Cli;

public sealed class BulkEmbedTests(ITestOutputHelper log) : IAsyncLifetime
{
    private static readonly string[] Words = ["the", "quick", "brown", "fox", "Hund", "läuft", "schnell", "über", "la", "maison", "猫", "が", "好き", "data", "embedding", "42", "!"];
    private readonly DirectoryInfo _work = Directory.CreateTempSubdirectory("jinaembed-bulk-");
    private readonly List<EmbeddingServer> _servers = [];

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var server in _servers)
        {
            await server.DisposeAsync();
        }

        _work.Delete(recursive: true);
    }

    private string PathOf(string name) => Path.Combine(_work.FullName, name);

    private async Task<string> InputAsync(int count)
    {
        var lines = Enumerable.Range(0, count).Select(i => string.Join(' ', Enumerable.Range(0, 1 + (i * 13 % 23)).Select(k => Words[((i * 7) + k) % Words.Length])));
        var path = PathOf("in.txt");
        await File.WriteAllLinesAsync(path, lines);
        return path;
    }

    private async Task<EmbeddingServer> StartServerAsync(string fixture = "tiny-jina-v3", string? apiKey = null)
    {
        var server = await EmbeddingServer.StartAsync(new ServerOptions { Port = 0, LogFormat = "none", Threads = 1, ShutdownTimeoutSeconds = 5, ApiKey = apiKey }, Fixtures.Path(fixture));
        _servers.Add(server);
        await server.Ready.WaitAsync(TimeSpan.FromSeconds(120));
        return server;
    }

    private static string Url(EmbeddingServer server) => server.BaseAddress.ToString().TrimEnd('/');

    [Fact]
    public async Task UninterruptedRun_GivesTheServersVectorsInInputOrder()
    {
        var server = await StartServerAsync();
        var input = await InputAsync(300);
        var output = PathOf("out.jsonl");

        var run = await CliProcess.RunAsync(["embed", "--server", Url(server), "--input", input, "--output", output, "--task", "retrieval.passage", "--batch-tokens", "700", "-q"]);

        Assert.True(run.ExitCode == 0, run.Error);
        Assert.False(File.Exists(output + ".progress"), "the progress file is removed when the output is complete");
        var lines = await File.ReadAllLinesAsync(output);
        Assert.Equal(300, lines.Length);
        using var embedder = JinaEmbed.Embedding.Embedder.Load(Fixtures.Path("tiny-jina-v3"));
        var expected = embedder.Embed(await File.ReadAllLinesAsync(input), new JinaEmbed.Embedding.EmbedOptions { Task = "retrieval.passage" });
        for (var i = 0; i < lines.Length; i++)
        {
            using var json = System.Text.Json.JsonDocument.Parse(lines[i]);
            Assert.Equal(i, json.RootElement.GetProperty("index").GetInt32());
            var vector = json.RootElement.GetProperty("embedding").EnumerateArray().Select(e => e.GetSingle()).ToArray();
            var diff = vector.Zip(expected[i]).Max(p => Math.Abs(p.First - p.Second));
            Assert.True(diff <= 1e-5f, $"row {i}: max |diff| {diff} from the library's vector");
        }
    }

    [Theory]
    [InlineData("out.jsonl")]
    [InlineData("out.npy")]
    public async Task RunKilledTwiceAtRandomPoints_AndResumed_EqualsTheUninterruptedRun(string name)
    {
        var server = await StartServerAsync();
        var input = await InputAsync(2500);
        string[] common = ["embed", "--server", Url(server), "--input", input, "--task", "retrieval.query", "--batch-tokens", "600", "-q"];
        var reference = PathOf("reference-" + name);
        var whole = await CliProcess.RunAsync([.. common, "--output", reference]);
        Assert.True(whole.ExitCode == 0, whole.Error);
        var expected = await File.ReadAllBytesAsync(reference);

        var output = PathOf(name);
        var seed = Environment.TickCount;
        var random = new Random(seed);
        double firstKill = 0.15 + (random.NextDouble() * 0.3), secondKill = 0.55 + (random.NextDouble() * 0.3);
        log.WriteLine($"seed {seed}: kills at {firstKill:P0} and {secondKill:P0} of {expected.Length} bytes");
        var killedAt = await CliProcess.RunAndKillAsync([.. common, "--output", output], output, (long)(expected.Length * firstKill));
        Assert.True(File.Exists(output + ".progress"), "a killed run leaves its progress file");
        var resumedAt = await CliProcess.RunAndKillAsync([.. common, "--output", output, "--resume"], output, (long)(expected.Length * secondKill));
        var last = await CliProcess.RunAsync([.. common, "--output", output, "--resume"]);
        log.WriteLine($"killed with {killedAt} and {resumedAt} bytes written");

        Assert.True(last.ExitCode == 0, last.Error);
        Assert.True(SameBytes(expected, await File.ReadAllBytesAsync(output)), $"seed {seed}: the resumed file differs from the uninterrupted one");
        Assert.False(File.Exists(output + ".progress"));
    }

    [Fact]
    public async Task LocalModelRun_KilledAndResumed_EqualsTheUninterruptedRun()
    {
        var input = await InputAsync(3000);
        string[] common = ["embed", "--model", Fixtures.Path("tiny-jina-v3"), "--input", input, "--threads", "1", "-q"];
        var reference = PathOf("reference.npy");
        Assert.Equal(0, (await CliProcess.RunAsync([.. common, "--output", reference])).ExitCode);
        var expected = await File.ReadAllBytesAsync(reference);
        var output = PathOf("out.npy");

        await CliProcess.RunAndKillAsync([.. common, "--output", output], output, expected.Length / 3);
        var resumed = await CliProcess.RunAsync([.. common, "--output", output, "--resume"]);

        Assert.True(resumed.ExitCode == 0, resumed.Error);
        Assert.True(SameBytes(expected, await File.ReadAllBytesAsync(output)), "the resumed file differs from the uninterrupted one");
    }

    [Fact]
    public async Task MultiVectorNpyPair_KilledAndResumed_EqualsTheUninterruptedPair()
    {
        var server = await StartServerAsync("tiny-jina-v4");
        var input = await InputAsync(1500);
        string[] common = ["embed", "--server", Url(server), "--input", input, "--task", "retrieval.passage", "--multivector", "--batch-tokens", "800", "-q"];
        Assert.Equal(0, (await CliProcess.RunAsync([.. common, "--output", PathOf("reference.npy")])).ExitCode);
        var expectedValues = await File.ReadAllBytesAsync(PathOf("reference.npy"));
        var expectedOffsets = await File.ReadAllBytesAsync(PathOf("reference.offsets.npy"));
        var output = PathOf("out.npy");

        await CliProcess.RunAndKillAsync([.. common, "--output", output], output, expectedValues.Length / 3);
        var resumed = await CliProcess.RunAsync([.. common, "--output", output, "--resume"]);

        Assert.True(resumed.ExitCode == 0, resumed.Error);
        Assert.True(SameBytes(expectedValues, await File.ReadAllBytesAsync(output)), "the token vectors differ from the uninterrupted run");
        Assert.True(SameBytes(expectedOffsets, await File.ReadAllBytesAsync(PathOf("out.offsets.npy"))), "the offsets differ from the uninterrupted run");
    }

    [Fact]
    public async Task ImagesSentToAV4Server_ComeBackInOrderNamingTheirFiles()
    {
        var server = await StartServerAsync("tiny-jina-v4");
        var images = Fixtures.Path("tiny-jina-v4", "images");
        var output = PathOf("pages.jsonl");

        var run = await CliProcess.RunAsync(["embed", "--server", Url(server), "--images", images, "--output", output, "--task", "retrieval.passage", "--dimensions", "32", "-q"]);

        Assert.True(run.ExitCode == 0, run.Error);
        var files = JinaEmbed.Cli.IO.ImageInput.ListFiles([images]);
        var lines = await File.ReadAllLinesAsync(output);
        Assert.Equal(files.Count, lines.Length);
        for (var i = 0; i < lines.Length; i++)
        {
            using var json = System.Text.Json.JsonDocument.Parse(lines[i]);
            Assert.Equal(files[i], json.RootElement.GetProperty("file").GetString());
            Assert.Equal(32, json.RootElement.GetProperty("embedding").GetArrayLength());
        }
    }

    [Fact]
    public async Task OneOfTwoServersGoesDown_TheOtherFinishesTheRun()
    {
        var steady = await StartServerAsync();
        var failing = await StartServerAsync();
        var input = await InputAsync(2000);
        string[] common = ["--input", input, "--batch-tokens", "600", "--output-format", "jsonl"];
        var reference = PathOf("reference.jsonl");
        Assert.Equal(0, (await CliProcess.RunAsync(["embed", .. common, "--server", Url(steady), "--output", reference, "-q"])).ExitCode);
        var expected = await File.ReadAllBytesAsync(reference);
        var output = PathOf("out.jsonl");

        // The second server stops once a fifth of the output is written; a closed port stands for a third, down from the start.
        var run = CliProcess.Start(["embed", "--server", $"{Url(failing)},{Url(steady)},http://127.0.0.1:{ClosedPort()}", "--output", output, .. common]);
        await CliProcess.WaitForLengthAsync(run, output, expected.Length / 5);
        await failing.DisposeAsync();
        _servers.Remove(failing);
        var result = await CliProcess.FinishAsync(run);
        log.WriteLine(result.Error);

        Assert.True(result.ExitCode == 0, result.Error);
        Assert.Contains("is left out for", result.Error, StringComparison.Ordinal);
        Assert.True(SameBytes(expected, await File.ReadAllBytesAsync(output)), "the failed-over run differs from the single-server run");
    }

    [Fact]
    public async Task TooManyRequests_WaitsForRetryAfter_ThenSucceeds()
    {
        await using var stub = await StubServer.StartAsync(refusals: 1, retryAfter: "2");
        var input = await InputAsync(10);
        var output = PathOf("out.jsonl");

        var run = await CliProcess.RunAsync(["embed", "--server", stub.Url, "--input", input, "--output", output]);

        Assert.True(run.ExitCode == 0, run.Error);
        var arrivals = stub.Arrivals.ToArray();
        Assert.Equal(2, arrivals.Length);
        Assert.True(arrivals[1] - arrivals[0] >= TimeSpan.FromSeconds(2), $"the retry came {(arrivals[1] - arrivals[0]).TotalSeconds:0.000} s after the 429 that asked for 2 s");
        Assert.Equal(10, (await File.ReadAllLinesAsync(output)).Length);
        Assert.Contains("answered 429", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RefusedEveryTime_GivesUpNamingTheRowsNotDone_AndStaysResumable()
    {
        await using var stub = await StubServer.StartAsync(refusals: int.MaxValue, retryAfter: "0");
        var input = await InputAsync(10);
        var output = PathOf("out.npy");

        var run = await CliProcess.RunAsync(["embed", "--server", stub.Url, "--input", input, "--output", output, "--max-attempts", "3", "-q"]);

        Assert.Equal(5, run.ExitCode);
        Assert.Contains("gave up after 3 tries", run.Error, StringComparison.Ordinal);
        Assert.Contains("input rows 0–9 were not embedded", run.Error, StringComparison.Ordinal);
        Assert.Contains("--resume", run.Error, StringComparison.Ordinal);
        Assert.True(File.Exists(output + ".progress"));
        Assert.Equal(3, stub.Arrivals.Count);
    }

    [Fact]
    public async Task ResumeWithOtherSettingsOrInput_IsRefused()
    {
        var server = await StartServerAsync();
        var input = await InputAsync(2500);
        var output = PathOf("out.jsonl");
        string[] common = ["embed", "--server", Url(server), "--input", input, "--output", output, "--batch-tokens", "600", "-q"];
        await CliProcess.RunAndKillAsync([.. common, "--task", "retrieval.query"], output, 50_000);
        var before = await File.ReadAllBytesAsync(output);

        var otherTask = await CliProcess.RunAsync([.. common, "--task", "retrieval.passage", "--resume"]);
        await File.AppendAllTextAsync(input, "one more line\n");
        var otherInput = await CliProcess.RunAsync([.. common, "--task", "retrieval.query", "--resume"]);

        Assert.Equal(2, otherTask.ExitCode);
        Assert.Contains("cannot resume", otherTask.Error, StringComparison.Ordinal);
        Assert.Contains("task: retrieval.query when the output was started, retrieval.passage now", otherTask.Error, StringComparison.Ordinal);
        Assert.Equal(2, otherInput.ExitCode);
        Assert.Contains("input: ", otherInput.Error, StringComparison.Ordinal);
        Assert.True(SameBytes(before, await File.ReadAllBytesAsync(output)), "a refused resume leaves the output alone");
    }

    [Theory]
    [InlineData("out.jsonl")]
    [InlineData("out.npy")]
    public async Task TornTail_IsCutAndTheRunContinues(string name)
    {
        var server = await StartServerAsync();
        var input = await InputAsync(2500);
        string[] common = ["embed", "--server", Url(server), "--input", input, "--batch-tokens", "600", "-q"];
        var reference = PathOf("reference-" + name);
        Assert.Equal(0, (await CliProcess.RunAsync([.. common, "--output", reference])).ExitCode);
        var output = PathOf(name);
        await CliProcess.RunAndKillAsync([.. common, "--output", output], output, 60_000);
        using (var file = new FileStream(output, FileMode.Open))
        {
            // One byte less: the last row (or line) is torn, whether or not the kill left it whole.
            file.SetLength(file.Length - 1);
        }

        var resumed = await CliProcess.RunAsync([.. common, "--output", output, "--resume"]);

        Assert.True(resumed.ExitCode == 0, resumed.Error);
        Assert.True(SameBytes(await File.ReadAllBytesAsync(reference), await File.ReadAllBytesAsync(output)), "the repaired file differs from the uninterrupted one");
    }

    [Fact]
    public async Task Shards_ConcatenateToTheUnshardedOutput()
    {
        var server = await StartServerAsync();
        var input = await InputAsync(100);
        string[] common = ["embed", "--server", Url(server), "--input", input, "--batch-tokens", "400", "-q"];
        var output = PathOf("out.jsonl");
        Assert.Equal(0, (await CliProcess.RunAsync([.. common, "--output", PathOf("whole.jsonl")])).ExitCode);

        var parts = new List<byte>();
        for (var index = 0; index < 3; index++)
        {
            // The last pod reads its index from the Indexed Job's variable.
            var run = index < 2
                ? await CliProcess.RunAsync([.. common, "--output", output, "--shard", $"{index}/3"])
                : await CliProcess.RunAsync([.. common, "--output", output, "--shard", "job/3"], ("JOB_COMPLETION_INDEX", "2"));
            Assert.True(run.ExitCode == 0, run.Error);
            parts.AddRange(await File.ReadAllBytesAsync($"{output}.part-{index}"));
        }

        Assert.Equal(33, File.ReadAllLines($"{output}.part-0").Length);
        Assert.Equal(34, File.ReadAllLines($"{output}.part-2").Length);
        Assert.True((await File.ReadAllBytesAsync(PathOf("whole.jsonl"))).AsSpan().SequenceEqual(parts.ToArray()), "part-0 + part-1 + part-2 differ from the unsharded output");
    }

    [Fact]
    public async Task ServerWithAnApiKey_TakesItFromTheFlagOrTheEnvironment_AndRefusesNone()
    {
        var server = await StartServerAsync(apiKey: "s3cret");
        var input = await InputAsync(20);
        string[] common = ["embed", "--server", Url(server), "--input", input, "-q"];

        var none = await CliProcess.RunAsync([.. common, "--output", PathOf("none.jsonl")]);
        var flag = await CliProcess.RunAsync([.. common, "--output", PathOf("flag.jsonl"), "--api-key", "s3cret"]);
        var environment = await CliProcess.RunAsync([.. common, "--output", PathOf("env.jsonl")], ("JINAEMBED_API_KEY", "s3cret"));

        Assert.Equal(3, none.ExitCode);
        Assert.Contains("refused the API key (401)", none.Error, StringComparison.Ordinal);
        Assert.True(flag.ExitCode == 0, flag.Error);
        Assert.True(environment.ExitCode == 0, environment.Error);
        Assert.Equal(20, File.ReadAllLines(PathOf("env.jsonl")).Length);
    }

    [Fact]
    public async Task OptionsThatNeedALocalModel_AreRefusedWithServer()
    {
        var input = await InputAsync(3);
        var (code, _, error) = await CliRunner.RunAsync(EmbedCommand.Create(), "embed", "--server", "http://127.0.0.1:1", "--threads", "2", "--input", input);
        var (shardCode, _, shardError) = await CliRunner.RunAsync(EmbedCommand.Create(), "embed", "--model", Fixtures.Path("tiny-jina-v3"), "--shard", "3/3", "--input", input, "--output", PathOf("x.jsonl"));

        Assert.Equal(2, code);
        Assert.Contains("--threads chooses how a local model runs", error, StringComparison.Ordinal);
        Assert.Equal(2, shardCode);
        Assert.Contains("0 <= INDEX < COUNT", shardError, StringComparison.Ordinal);
    }

    private static bool SameBytes(byte[] expected, byte[] actual) => expected.AsSpan().SequenceEqual(actual);

    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
