using System.CommandLine;

namespace JinaEmbed.Cli.Commands;

/// <summary><c>jinaembed eval</c> (issue #9).</summary>
internal static class EvalCommand
{
    public static Command Create()
    {
        var command = new Command("eval", "Evaluate a model (STS Benchmark).");
        return command;
    }
}
