// Runs the real jinaembed executable (JinaEmbed.Cli.dll beside the tests, through the dotnet host) as a child process,
// and kills it once its output file has reached a given length (the resumable-run tests of issue #17).
using System.Diagnostics;
using System.Text;

namespace JinaEmbed.Tests.Cli;

internal static class CliProcess
{
    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(5);

    public sealed record Result(int ExitCode, string Error);

    public sealed class Running(Process process, StringBuilder error) : IDisposable
    {
        public Process Process { get; } = process;

        public StringBuilder Error { get; } = error;

        public void Dispose() => Process.Dispose();
    }

    public static Running Start(string[] args, params (string Name, string Value)[] environment)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "JinaEmbed.Cli.dll");
        if (!File.Exists(dll))
        {
            throw new FileNotFoundException($"The CLI is not built beside the tests: {dll}");
        }

        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet")
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(dll);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        var process = new Process { StartInfo = start };
        var error = new StringBuilder();
        process.ErrorDataReceived += (_, e) =>
        {
            lock (error)
            {
                error.AppendLine(e.Data);
            }
        };
        process.OutputDataReceived += (_, _) => { };
        process.Start();
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();
        return new Running(process, error);
    }

    public static async Task<Result> RunAsync(string[] args, params (string Name, string Value)[] environment)
    {
        using var running = Start(args, environment);
        return await FinishAsync(running);
    }

    public static async Task<Result> FinishAsync(Running running)
    {
        using var timeout = new CancellationTokenSource(Limit);
        await running.Process.WaitForExitAsync(timeout.Token);
        lock (running.Error)
        {
            return new Result(running.Process.ExitCode, running.Error.ToString());
        }
    }

    /// <summary>Waits until <paramref name="path"/> holds at least <paramref name="length"/> bytes; fails if the process ends first.</summary>
    public static async Task WaitForLengthAsync(Running running, string path, long length)
    {
        var deadline = DateTime.UtcNow + Limit;
        while (!File.Exists(path) || new FileInfo(path).Length < length)
        {
            if (running.Process.HasExited)
            {
                throw new InvalidOperationException($"jinaembed exited ({running.Process.ExitCode}) before {path} reached {length} bytes: {running.Error}");
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"{path} did not reach {length} bytes");
            }

            await Task.Delay(5);
        }
    }

    /// <summary>Starts the CLI, kills it (the whole process tree, no warning) once the output reached <paramref name="length"/> bytes; returns the length at the kill.</summary>
    public static async Task<long> RunAndKillAsync(string[] args, string output, long length)
    {
        using var running = Start(args);
        await WaitForLengthAsync(running, output, length);
        running.Process.Kill(entireProcessTree: true);
        await running.Process.WaitForExitAsync();
        return new FileInfo(output).Length;
    }
}
