// The input formats of `jinaembed embed` (issue #7).
namespace JinaEmbed.Cli.IO;

/// <summary>How input texts are read.</summary>
internal enum InputFormat
{
    /// <summary>One text per line (a trailing \r is dropped; empty lines are empty texts).</summary>
    Text,

    /// <summary>One JSON value per line: a string, or an object whose text field is named by --field (default "text").</summary>
    Jsonl,

    /// <summary>RFC 4180 CSV with a header row; the text column is named by --column (default "text").</summary>
    Csv,
}
