// --precision exact|int8 (issue #15), shared by serve, embed, eval and bench.
using System.CommandLine;
using JinaEmbed.Compute;

namespace JinaEmbed.Cli.Hosting;

/// <summary>The arithmetic of the linear layers, as a command-line option.</summary>
internal static class PrecisionOption
{
    /// <summary>A new <c>--precision</c> option (each command owns its instance).</summary>
    public static Option<string?> Create() => new Option<string?>("--precision")
    {
        Description = "Arithmetic of the linear layers: exact (default; the reference path) or int8 (weights quantised at load: half the memory, faster; fidelity in docs/int8.md)",
        HelpName = "exact|int8",
    }.AcceptOnlyFromAmong("exact", "int8");

    /// <summary>The parsed value (null when the flag is absent).</summary>
    public static Precision? Parse(string? value) => value switch
    {
        null => null,
        "int8" => Precision.Int8,
        _ => Precision.Exact,
    };
}
