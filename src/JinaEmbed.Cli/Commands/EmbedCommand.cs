using System.CommandLine;

namespace JinaEmbed.Cli.Commands;

/// <summary><c>jinaembed embed</c> (issue #3).</summary>
internal static class EmbedCommand
{
    public static Command Create()
    {
        var command = new Command("embed", "Embed texts into vectors (JSONL out).");
        return command;
    }
}
