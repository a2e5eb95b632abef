using System.CommandLine;

namespace JinaEmbed.Cli.Commands;

/// <summary><c>jinaembed info</c> (issue #7).</summary>
internal static class InfoCommand
{
    public static Command Create()
    {
        var command = new Command("info", "Show a model's facts, tasks and prompts.");
        return command;
    }
}
