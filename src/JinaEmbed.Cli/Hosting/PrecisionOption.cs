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

    /// <summary>
    /// With int8 on a CPU where it runs slower than the exact path (no AVX-VNNI or AVX-512), writes a warning line to
    /// <paramref name="error"/>; <paramref name="context"/> is this machine's unless given (tests).
    /// </summary>
    public static void WarnIfSlow(Precision? precision, TextWriter error, ComputeContext? context = null)
    {
        ArgumentNullException.ThrowIfNull(error);
        if (precision == Precision.Int8 && (context ?? new ComputeContext(1)).Int8SpeedWarning is { } warning)
        {
            error.WriteLine($"warning: {warning}.");
        }
    }

    /// <summary>The parsed value (null when the flag is absent).</summary>
    public static Precision? Parse(string? value) => value switch
    {
        null => null,
        "int8" => Precision.Int8,
        _ => Precision.Exact,
    };
}
