// deploy/examples/bulk-embed-job (issue #17): renders with `kubectl kustomize`, is an Indexed Job whose shard count is
// its completion count, and the command its pod runs, with the ConfigMap's values and an index filled in, embeds that
// pod's part on a real server.
using System.Diagnostics;
using System.Text.RegularExpressions;
using JinaEmbed.Server;

namespace JinaEmbed.Tests.Cli;

public sealed partial class BulkEmbedJobExampleTests : IDisposable
{
    private readonly DirectoryInfo _work = Directory.CreateTempSubdirectory("jinaembed-job-");

    public void Dispose() => _work.Delete(recursive: true);

    [Fact]
    public async Task Example_RendersAsAnIndexedJob_WhosePodCommandEmbedsItsPart()
    {
        var rendered = await KustomizeAsync(Path.Combine(RepositoryRoot(), "deploy", "examples", "bulk-embed-job"));

        Assert.Contains("kind: Job", rendered, StringComparison.Ordinal);
        Assert.Contains("completionMode: Indexed", rendered, StringComparison.Ordinal);
        Assert.Contains("claimName: bulk-embed-data", rendered, StringComparison.Ordinal);
        var completions = int.Parse(CompletionsLine().Match(rendered).Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        var command = ListAfter(rendered, "command:");
        var args = ListAfter(rendered, "- args:");
        Assert.Equal(["dotnet", "/app/JinaEmbed.Cli.dll", "embed"], command);
        Assert.Contains($"$(JOB_COMPLETION_INDEX)/{completions}", args);
        Assert.Contains("--resume", args);

        // Pod 1's arguments as Kubernetes expands them: the ConfigMap's values, its index, the volume here.
        await using var server = await EmbeddingServer.StartAsync(new ServerOptions { Port = 0, LogFormat = "none", Threads = 1 }, Fixtures.Path("tiny-jina-v3"));
        await server.Ready.WaitAsync(TimeSpan.FromSeconds(120));
        var data = _work.FullName;
        await File.WriteAllLinesAsync(Path.Combine(data, "input.jsonl"), Enumerable.Range(0, 40).Select(i => $"{{\"text\": \"document number {i}\"}}"));
        var values = ConfigMapLines().Matches(rendered).ToDictionary(m => m.Groups[1].Value, m => m.Groups[2].Value);

        // The example names the Service of deploy/base (its name, on its port) — the address pods reach the servers at.
        var service = await KustomizeAsync(Path.Combine(RepositoryRoot(), "deploy", "base"));
        var serviceName = ServiceName().Match(service).Groups[1].Value;
        var servicePort = ServicePort().Match(service).Groups[1].Value;
        Assert.Equal(servicePort == "80" ? $"http://{serviceName}" : $"http://{serviceName}:{servicePort}", values["JINAEMBED_SERVERS"]);
        values["JINAEMBED_SERVERS"] = server.BaseAddress.ToString();
        values["JOB_COMPLETION_INDEX"] = "1";
        var podArgs = args.Select(a => Variable().Replace(a, m => values[m.Groups[1].Value]).Replace("/data", data, StringComparison.Ordinal)).ToArray();

        var run = await CliProcess.RunAsync(["embed", .. podArgs, "-q"]);

        Assert.True(run.ExitCode == 0, run.Error);
        var part = Npy.Read(Path.Combine(data, "vectors.npy.part-1"));
        Assert.Equal(40 / completions, part.Shape[0]);
    }

    // The "- item" lines of the YAML list under the first line that ends with `key`.
    private static List<string> ListAfter(string yaml, string key)
    {
        var lines = yaml.Split('\n');
        var start = Array.FindIndex(lines, l => l.TrimEnd().EndsWith(key, StringComparison.Ordinal));
        Assert.True(start >= 0, $"no {key} in the rendered Job");
        var indent = lines[start + 1].IndexOf('-', StringComparison.Ordinal);
        return lines.Skip(start + 1).TakeWhile(l => l.Length > indent && l[indent] == '-' && l[..indent].Trim().Length == 0).Select(l => l[(indent + 2)..].Trim()).ToList();
    }

    private static async Task<string> KustomizeAsync(string directory)
    {
        var start = new ProcessStartInfo("kubectl", ["kustomize", directory]) { RedirectStandardOutput = true, RedirectStandardError = true };
        Process process;
        try
        {
            process = Process.Start(start)!;
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException("kubectl is not installed (.ci/install.sh installs it: apt-get install kubectl).", e);
        }

        using (process)
        {
            var output = process.StandardOutput.ReadToEndAsync();
            var error = process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync();
            Assert.True(process.ExitCode == 0, $"kubectl kustomize failed: {await error}");
            return await output;
        }
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "JinaEmbed.slnx")))
            {
                return dir.FullName;
            }
        }

        throw new DirectoryNotFoundException("Could not find the repository root (JinaEmbed.slnx).");
    }

    [GeneratedRegex(@"^  completions: (\d+)$", RegexOptions.Multiline)]
    private static partial Regex CompletionsLine();

    [GeneratedRegex(@"^  ([A-Z_]+): (\S+)$", RegexOptions.Multiline)]
    private static partial Regex ConfigMapLines();

    [GeneratedRegex(@"\$\((\w+)\)")]
    private static partial Regex Variable();

    [GeneratedRegex(@"kind: Service\nmetadata:\n(?:  .*\n)*?  name: (\S+)")]
    private static partial Regex ServiceName();

    [GeneratedRegex(@"kind: Service\n(?:.*\n)*?\s+port: (\d+)")]
    private static partial Regex ServicePort();
}
