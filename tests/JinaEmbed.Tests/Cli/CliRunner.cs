// Runs jinaembed commands in-process with captured stdout/stderr (no process-wide Console redirection).
using System.CommandLine;

namespace JinaEmbed.Tests.Cli;

internal static class CliRunner
{
    public static Task<(int ExitCode, string Output, string Error)> RunAsync(Command command, params string[] args) =>
        RunAsync(command, CancellationToken.None, args);

    public static async Task<(int ExitCode, string Output, string Error)> RunAsync(Command command, CancellationToken cancellationToken, params string[] args)
    {
        var root = new RootCommand("test") { command };
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exitCode = await root.Parse(args).InvokeAsync(new InvocationConfiguration { Output = output, Error = error }, cancellationToken);
        return (exitCode, output.ToString(), error.ToString());
    }
}
