using System.CommandLine;

namespace JinaEmbed.Cli.Commands;

/// <summary><c>jinaembed download</c> (issue #7).</summary>
internal static class DownloadCommand
{
    public static Command Create()
    {
        var command = new Command("download", "Download a model from the Hugging Face hub into the cache.");
        return command;
    }
}
