using System.CommandLine;

namespace JinaEmbed.Cli.Commands;

/// <summary><c>jinaembed serve</c> (issue #5).</summary>
internal static class ServeCommand
{
    public static Command Create()
    {
        var command = new Command("serve", "Run the HTTP server (Jina and OpenAI /v1/embeddings).");
        return command;
    }
}
