using System.CommandLine;

namespace JinaEmbed.Cli.Commands;

/// <summary><c>jinaembed tokenize</c>: lines or JSONL on stdin → JSONL ids and offsets (issue #2).</summary>
internal static class TokenizeCommand
{
    public static Command Create()
    {
        var command = new Command("tokenize", "Tokenize lines (or JSONL {\"text\": ...}) from stdin into JSONL ids and offsets.");
        return command;
    }
}
