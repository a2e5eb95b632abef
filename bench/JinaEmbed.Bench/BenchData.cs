// Prepares the full-size synthetic checkpoints under the data folder (never inside the repository):
// the BF16 safetensors checkpoint for JinaEmbed and the official ONNX graph with the same weights.
using System.Diagnostics;

namespace JinaEmbed.Bench;

/// <summary>Finds or generates benchmark model files.</summary>
internal static class BenchData
{
    public static string CheckpointDirectory(BenchOptions options) => Path.Combine(options.DataDirectory, "jina-v3-st");

    public static string OnnxModelPath(BenchOptions options) => Path.Combine(options.DataDirectory, "jina-v3-onnx", "model.onnx");

    /// <summary>Writes config.json + model.safetensors (BF16) if absent.</summary>
    public static string EnsureCheckpoint(BenchOptions options, Action<string> log)
    {
        string dir = CheckpointDirectory(options);
        if (!File.Exists(Path.Combine(dir, "model.safetensors")))
        {
            log($"generating the synthetic BF16 checkpoint in {dir} …");
            RunTool(options, "synth-jina-v3.py", [dir]);
        }

        return dir;
    }

    /// <summary>Writes model.onnx + model.onnx_data if absent.</summary>
    public static string EnsureOnnx(BenchOptions options, Action<string> log)
    {
        string path = OnnxModelPath(options);
        if (!File.Exists(path) || !File.Exists(path + "_data"))
        {
            string dir = Path.GetDirectoryName(path)!;
            log($"generating the official ONNX graph with the synthetic weights in {dir} …");
            string graph = Path.Combine(options.SharedDirectory, "fixtures", "jina-v3-full", "model.onnx");
            RunTool(options, "synth-jina-v3-onnx.py", [dir, "--graph", graph]);
        }

        return path;
    }

    private static void RunTool(BenchOptions options, string tool, string[] arguments)
    {
        var start = new ProcessStartInfo(options.Python) { UseShellExecute = false };
        start.ArgumentList.Add(Path.Combine(options.SharedDirectory, "tools", tool));
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"cannot start {options.Python}");
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{tool} failed with exit code {process.ExitCode} (needs {options.Python} with numpy and onnx).");
        }
    }
}
