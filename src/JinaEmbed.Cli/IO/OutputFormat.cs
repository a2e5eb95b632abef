// The output formats of `jinaembed embed` (issue #7).
namespace JinaEmbed.Cli.IO;

/// <summary>How vectors are written.</summary>
internal enum OutputFormat
{
    /// <summary>One JSON object per line: {"index": i, "embedding": [...]}.</summary>
    Jsonl,

    /// <summary>A NumPy .npy file: float32 little-endian, shape (items, dimensions); needs a seekable --output file.</summary>
    Npy,

    /// <summary>CSV with a header "index,e0,e1,…" and one row per item.</summary>
    Csv,
}
