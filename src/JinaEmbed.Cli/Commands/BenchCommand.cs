// `jinaembed bench`: runs the benchmark harness (bench/JinaEmbed.Bench) of a source checkout with `dotnet run -c Release`,
// forwarding every argument after the options; the harness itself documents its flags (issue #7).
using System.CommandLine;
using System.Diagnostics;

namespace JinaEmbed.Cli.Commands;

/// <summary><c>jinaembed bench</c> (issue #7).</summary>
internal static class BenchCommand
{
    internal const string ProjectRelativePath = "bench/JinaEmbed.Bench/JinaEmbed.Bench.csproj";

    public static Command Create()
    {
        var command = new Command("bench", "Run the benchmark harness (bench/JinaEmbed.Bench) from a source checkout; arguments after -- go to the harness.")
        {
            TreatUnmatchedTokensAsErrors = false,
        };
        var project = new Option<string?>("--project")
        {
            Description = $"The harness project (default: {ProjectRelativePath} above the current directory)",
            HelpName = "csproj",
        };
        var dryRun = new Option<bool>("--dry-run") { Description = "Print the command that would run, and exit" };
        command.Options.Add(project);
        command.Options.Add(dryRun);
        command.SetAction(async (parse, cancellationToken) =>
        {
            var error = parse.InvocationConfiguration.Error;
            var path = parse.GetValue(project) ?? FindProject(Directory.GetCurrentDirectory()) ?? FindProject(AppContext.BaseDirectory);
            if (path == null || !File.Exists(path))
            {
                error.WriteLine($"error: the benchmark harness was not found ({path ?? ProjectRelativePath}). It ships with the source, not with the tool: " +
                                "run `jinaembed bench` inside a checkout of the repository, or pass --project path/to/JinaEmbed.Bench.csproj.");
                return 2;
            }

            var start = new ProcessStartInfo("dotnet") { UseShellExecute = false };
            foreach (var argument in (string[])["run", "-c", "Release", "--project", path, "--", .. parse.UnmatchedTokens])
            {
                start.ArgumentList.Add(argument);
            }

            if (parse.GetValue(dryRun))
            {
                parse.InvocationConfiguration.Output.WriteLine(string.Join(' ', start.ArgumentList.Prepend("dotnet")));
                return 0;
            }

            using var process = Process.Start(start)!;
            await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
            return process.ExitCode;
        });
        return command;
    }

    /// <summary>The harness project in <paramref name="start"/> or the nearest folder above it that has one.</summary>
    internal static string? FindProject(string start)
    {
        for (var directory = new DirectoryInfo(start); directory != null; directory = directory.Parent)
        {
            var candidate = Path.Combine(directory.FullName, ProjectRelativePath);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }
}
