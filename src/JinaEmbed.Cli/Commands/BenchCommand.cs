using System.CommandLine;

namespace JinaEmbed.Cli.Commands;

/// <summary><c>jinaembed bench</c> (issue #7).</summary>
internal static class BenchCommand
{
    public static Command Create()
    {
        var command = new Command("bench", "Run the benchmark harness.");
        return command;
    }
}
