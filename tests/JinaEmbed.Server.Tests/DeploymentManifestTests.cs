// deploy/ (issue #17): every overlay rendered by `kubectl kustomize`, offline, and the rendered objects checked against
// the real server: probe paths it answers, ports that line up, a grace period above preStop + drain, memory above
// `jinaembed info`'s estimate, selectors that match the pods, and an autoscaler on a metric /metrics exports.
using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using JinaEmbed.Cli.Commands;
using JinaEmbed.Cli.Hosting;
using Microsoft.Extensions.Configuration;
using YamlDotNet.RepresentationModel;

namespace JinaEmbed.Server.Tests;

public class DeploymentManifestTests(TinyModelFixture tiny) : IClassFixture<TinyModelFixture>
{
    private static readonly string[] Overlays = ["all-minilm-l6-v2", "jina-embeddings-v3", "jina-embeddings-v3-keda", "jina-embeddings-v4"];

    [Fact]
    public void EveryOverlayIsCheckedHere()
    {
        var present = Directory.GetDirectories(Path.Combine(RepositoryRoot, "deploy", "overlays")).Select(Path.GetFileName).Order(StringComparer.Ordinal);
        Assert.Equal(Overlays, present);
    }

    [Theory]
    [InlineData("all-minilm-l6-v2")]
    [InlineData("jina-embeddings-v3")]
    [InlineData("jina-embeddings-v3-keda")]
    [InlineData("jina-embeddings-v4")]
    public async Task RenderedOverlayMatchesTheServer(string overlay)
    {
        var objects = Render(Path.Combine(RepositoryRoot, "deploy", "overlays", overlay));
        var deployment = Single(objects, "Deployment");
        var service = Single(objects, "Service");
        var budget = Single(objects, "PodDisruptionBudget");
        string name = Text(deployment, "metadata", "name");
        string? ns = Optional(deployment, "metadata", "namespace");
        Assert.False(string.IsNullOrEmpty(ns), "every overlay deploys into its own namespace");
        Assert.All(objects, o => Assert.Equal(ns, Optional(o, "metadata", "namespace")));

        var pod = At(deployment, "spec", "template");
        var podLabels = Labels(At(pod, "metadata", "labels"));
        var containers = Sequence(pod, "spec", "containers");
        var server = Assert.Single(containers, c => Text(c, "name") == "jinaembed");
        var args = Sequence(server, "args").Select(a => ((YamlScalarNode)a).Value!).ToArray();
        var env = Sequence(server, "env").ToDictionary(e => Text(e, "name"), e => Text(e, "value"));

        // The arguments are the serve command's own flags (a typo would stop the pod at start).
        var serve = new RootCommand { ServeCommand.Create() }.Parse(["serve", .. args]);
        Assert.Empty(serve.Errors);
        var options = OptionsOf(args, env);

        // Ports: the server binds every interface on --port; the container port, the Service's target and the probes agree.
        Assert.Equal("0.0.0.0", Flag(args, "--host"));
        var ports = Sequence(server, "ports").ToDictionary(p => Text(p, "name"), p => int.Parse(Text(p, "containerPort"), CultureInfo.InvariantCulture));
        Assert.Equal([options.Port], ports.Values);
        int PortOf(string value) => int.TryParse(value, CultureInfo.InvariantCulture, out var number) ? number : ports[value];
        var servicePort = Assert.Single(Sequence(service, "spec", "ports"));
        Assert.Equal(options.Port, PortOf(Text(servicePort, "targetPort")));

        // Probes: startup and readiness on /ready, liveness on /health, each answered 200 by a real server.
        var probes = new Dictionary<string, string> { ["startupProbe"] = "/ready", ["readinessProbe"] = "/ready", ["livenessProbe"] = "/health" };
        foreach (var (probe, expectedPath) in probes)
        {
            string path = Text(server, probe, "httpGet", "path");
            Assert.Equal(expectedPath, path);
            Assert.Equal(options.Port, PortOf(Text(server, probe, "httpGet", "port")));
            using var response = await tiny.Running.Http.GetAsync(new Uri(path, UriKind.Relative));
            Assert.True(response.IsSuccessStatusCode, $"{probe} {path}: the server answered {(int)response.StatusCode}");
        }

        // Termination: the grace period covers the preStop sleep and then the server's drain of accepted requests.
        var preStop = Sequence(server, "lifecycle", "preStop", "exec", "command").Select(c => ((YamlScalarNode)c).Value!).ToArray();
        Assert.Equal("sleep", preStop[0]);
        int preStopSeconds = int.Parse(preStop[1], CultureInfo.InvariantCulture);
        int grace = int.Parse(Text(pod, "spec", "terminationGracePeriodSeconds"), CultureInfo.InvariantCulture);
        Assert.True(grace > preStopSeconds + options.ShutdownTimeoutSeconds, $"terminationGracePeriodSeconds {grace} must exceed preStop {preStopSeconds} s + shutdown timeout {options.ShutdownTimeoutSeconds} s");

        // The model: downloaded by the init container into the volume the server reads, offline.
        var download = Assert.Single(Sequence(pod, "spec", "initContainers"));
        Assert.Equal(options.Model, Sequence(download, "args").Select(a => ((YamlScalarNode)a).Value).Last());
        Assert.Contains("download", Sequence(download, "command").Select(a => ((YamlScalarNode)a).Value));
        Assert.Equal(Text(server, "image"), Text(download, "image"));
        Assert.Equal("1", env["HF_HUB_OFFLINE"]);
        const string cacheVolume = "model-cache";
        Assert.Single(Sequence(pod, "spec", "volumes"), v => Text(v, "name") == cacheVolume);
        foreach (var container in (YamlNode[])[server, download])
        {
            var envOf = Sequence(container, "env").ToDictionary(e => Text(e, "name"), e => Text(e, "value"));
            var mount = Assert.Single(Sequence(container, "volumeMounts"), m => Text(m, "name") == cacheVolume);
            Assert.Equal(envOf["HF_HOME"], Text(mount, "mountPath"));
        }

        // Memory: the request holds at least what `jinaembed info` estimates for this model at the configured batch.
        long request = Quantity(Text(server, "resources", "requests", "memory"));
        long limit = Quantity(Text(server, "resources", "limits", "memory"));
        long estimate = EstimatedBytes(options.Model!, options.MaxBatchTokens);
        Assert.True(request >= estimate, $"{overlay}: memory request {request:N0} bytes is below the estimate {estimate:N0}");
        Assert.True(limit >= request);

        // Selectors: the Deployment, the Service and the budget all select these pods.
        Assert.Subset(podLabels, Labels(At(deployment, "spec", "selector", "matchLabels")));
        Assert.Subset(podLabels, Labels(At(service, "spec", "selector")));
        Assert.Subset(podLabels, Labels(At(budget, "spec", "selector", "matchLabels")));

        // Autoscaling: an HPA or a KEDA ScaledObject on this Deployment, on a metric the server exports.
        var metrics = await ExportedMetricsAsync();
        var autoscalers = objects.Where(o => Text(o, "kind") is "HorizontalPodAutoscaler" or "ScaledObject").ToList();
        var autoscaler = Assert.Single(autoscalers);
        Assert.Equal(("Deployment", name), (Text(autoscaler, "spec", "scaleTargetRef", "kind"), Text(autoscaler, "spec", "scaleTargetRef", "name")));
        if (Text(autoscaler, "kind") == "HorizontalPodAutoscaler")
        {
            var metric = Assert.Single(Sequence(autoscaler, "spec", "metrics"));
            Assert.Equal("Pods", Text(metric, "type"));
            Assert.Contains(Text(metric, "pods", "metric", "name"), metrics);
        }
        else
        {
            var trigger = Assert.Single(Sequence(autoscaler, "spec", "triggers"));
            Assert.Equal("prometheus", Text(trigger, "type"));
            string query = Text(trigger, "metadata", "query");
            Assert.Contains(Regex.Match(query, @"[a-z_]+(?=\{)").Value, metrics);
            Assert.Contains($"namespace=\"{ns}\"", query, StringComparison.Ordinal);
        }
    }

    // What `jinaembed info` estimates (ModelFacts, the code behind it): weights as the process holds them at most
    // (fp32 for v3 and BERT, the stored BF16 text weights + LoRA for v4) + activations for one full batch. The facts:
    // all-MiniLM-L6-v2 is the real checkpoint (fixture); jina-embeddings-v3 is the official config.json and the official
    // checkpoint's 572,310,396 parameters (fixtures/jina-v3-full/README.md); jina-embeddings-v4 is Qwen2.5-VL-3B's text
    // dimensions with Jina's 3.09 B text parameters in BF16 and its rank-32 adapters on all seven projections, counted
    // as fp32 to stay above whatever the adapter file stores.
    private static long EstimatedBytes(string model, int maxBatchTokens)
    {
        ModelFacts facts = model switch
        {
            "sentence-transformers/all-MiniLM-L6-v2" => ModelFacts.Read(Fixtures.Path("all-MiniLM-L6-v2")),
            "jinaai/jina-embeddings-v3" => ModelFacts.Read(ConfigOnly(Fixtures.Path("jina-v3-full"))) with
            {
                WeightFiles = [new ModelFacts.WeightFile("model.safetensors", 1_144_685_320, "BF16", 572_310_396, 0, 492)],
            },
            "jinaai/jina-embeddings-v4" => JinaV4Facts(),
            _ => throw new InvalidOperationException($"no memory facts for {model}; add them here"),
        };
        Assert.True(facts.ParameterCount > 0);
        long weights = facts.IsJinaV4 ? facts.ResidentTextWeightBytes : facts.Fp32WeightBytes;
        return weights + (facts.ActivationBytesPer1000Tokens * maxBatchTokens / 1000);
    }

    // The official config.json alone: the fixture folder also holds the ONNX graph, which a model folder is refused for.
    private static string ConfigOnly(string fixture)
    {
        var folder = Directory.CreateTempSubdirectory("jinaembed-v3-config-").FullName;
        File.Copy(Path.Combine(fixture, "config.json"), Path.Combine(folder, "config.json"));
        return folder;
    }

    private static ModelFacts JinaV4Facts()
    {
        const int hidden = 2048, keyValue = 256, intermediate = 11008, layers = 36, rank = 32, adapters = 3;
        const long textParameters = 3_090_000_000;
        long loraParameters = (long)adapters * layers * rank *
            ((hidden + hidden) + (2 * (hidden + keyValue)) + (hidden + hidden) + (3 * (hidden + intermediate)));
        return new ModelFacts
        {
            Directory = "jinaai/jina-embeddings-v4",
            IsJinaV4 = true,
            HiddenSize = hidden,
            HeadCount = 16,
            KeyValueHeadCount = 2,
            IntermediateSize = intermediate,
            LayerCount = layers,
            WeightFiles =
            [
                new ModelFacts.WeightFile("model-00001-of-00002.safetensors", textParameters * 2, "BF16", textParameters, 0, 0),
                new ModelFacts.WeightFile("adapters/adapter_model.safetensors", loraParameters * 4, "F32", loraParameters, loraParameters, 0),
            ],
        };
    }

    // The server's settings as the pod gets them: JINAEMBED_* variables bound as ServerConfiguration binds them, then
    // the flags the manifest passes.
    private static ServerOptions OptionsOf(string[] args, IReadOnlyDictionary<string, string> env)
    {
        var options = new ServerOptions();
        new ConfigurationBuilder()
            .AddInMemoryCollection(env.Where(e => e.Key.StartsWith(ServerConfiguration.EnvironmentPrefix, StringComparison.Ordinal))
                .Select(e => KeyValuePair.Create(e.Key[ServerConfiguration.EnvironmentPrefix.Length..], (string?)e.Value)))
            .Build()
            .Bind(options);
        options.Model = Flag(args, "--model") ?? options.Model;
        options.Port = Flag(args, "--port") is { } port ? int.Parse(port, CultureInfo.InvariantCulture) : options.Port;
        options.MaxBatchTokens = Flag(args, "--max-batch-tokens") is { } tokens ? int.Parse(tokens, CultureInfo.InvariantCulture) : options.MaxBatchTokens;
        Assert.NotNull(options.Model);
        return options;
    }

    private static string? Flag(string[] args, string flag) => Array.IndexOf(args, flag) is var i and >= 0 && i + 1 < args.Length ? args[i + 1] : null;

    // The metric names /metrics exports (its "# TYPE name kind" lines), from the running server.
    private async Task<HashSet<string>> ExportedMetricsAsync()
    {
        string text = await tiny.Running.Http.GetStringAsync(new Uri("/metrics", UriKind.Relative));
        return [.. Regex.Matches(text, @"^# TYPE (\S+) ", RegexOptions.Multiline).Select(m => m.Groups[1].Value)];
    }

    // Kubernetes quantities: 512Mi, 3Gi, 2G, 1500000000.
    private static long Quantity(string value)
    {
        var match = Regex.Match(value, @"^(\d+)(Ki|Mi|Gi|Ti|k|M|G|T)?$");
        Assert.True(match.Success, $"unexpected quantity {value}");
        long unit = match.Groups[2].Value switch
        {
            "Ki" => 1L << 10,
            "Mi" => 1L << 20,
            "Gi" => 1L << 30,
            "Ti" => 1L << 40,
            "k" => 1_000,
            "M" => 1_000_000,
            "G" => 1_000_000_000,
            "T" => 1_000_000_000_000,
            _ => 1,
        };
        return long.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture) * unit;
    }

    // `kubectl kustomize DIR`, offline. JINAEMBED_KUBECTL picks another binary (e.g. Debian's kubectl 1.20 / kustomize v2).
    private static List<YamlMappingNode> Render(string directory)
    {
        string kubectl = Environment.GetEnvironmentVariable("JINAEMBED_KUBECTL") is { Length: > 0 } chosen ? chosen : "kubectl";
        var start = new ProcessStartInfo(kubectl) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add("kustomize");
        start.ArgumentList.Add(directory);
        Process process;
        try
        {
            process = Process.Start(start)!;
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            Assert.Fail($"{kubectl} could not be started ({e.Message}); `bash .ci/install.sh` installs Debian's kubernetes-client");
            throw;
        }

        using (process)
        {
            var output = process.StandardOutput.ReadToEndAsync();
            var error = process.StandardError.ReadToEndAsync();
            Assert.True(process.WaitForExit(TimeSpan.FromSeconds(60)), "kubectl kustomize did not finish in 60 s");
            Assert.True(process.ExitCode == 0, $"kubectl kustomize {directory} exited {process.ExitCode}: {error.Result}");
            var stream = new YamlStream();
            stream.Load(new StringReader(output.Result));
            var objects = stream.Documents.Select(d => (YamlMappingNode)d.RootNode).ToList();
            Assert.NotEmpty(objects);
            return objects;
        }
    }

    private static string RepositoryRoot
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "JinaEmbed.slnx")))
                {
                    return dir.FullName;
                }
            }

            throw new DirectoryNotFoundException("the repository root (JinaEmbed.slnx) is not above the test binaries");
        }
    }

    private static YamlMappingNode Single(List<YamlMappingNode> objects, string kind) => Assert.Single(objects, o => Text(o, "kind") == kind);

    private static YamlNode At(YamlNode node, params string[] path)
    {
        foreach (var key in path)
        {
            var mapping = Assert.IsType<YamlMappingNode>(node);
            Assert.True(mapping.Children.TryGetValue(new YamlScalarNode(key), out var child), $"missing {string.Join('.', path)}");
            node = child;
        }

        return node;
    }

    private static string Text(YamlNode node, params string[] path) => Assert.IsType<YamlScalarNode>(At(node, path)).Value!;

    private static string? Optional(YamlNode node, params string[] path)
    {
        foreach (var key in path)
        {
            if (node is not YamlMappingNode mapping || !mapping.Children.TryGetValue(new YamlScalarNode(key), out node!))
            {
                return null;
            }
        }

        return (node as YamlScalarNode)?.Value;
    }

    private static IReadOnlyList<YamlNode> Sequence(YamlNode node, params string[] path) => [.. Assert.IsType<YamlSequenceNode>(At(node, path)).Children];

    private static HashSet<string> Labels(YamlNode node) =>
        [.. Assert.IsType<YamlMappingNode>(node).Children.Select(c => $"{((YamlScalarNode)c.Key).Value}={((YamlScalarNode)c.Value).Value}")];
}
