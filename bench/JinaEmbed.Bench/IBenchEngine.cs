// One engine under test: loads a model once, then maps equal-length token sequences to token states.
namespace JinaEmbed.Bench;

/// <summary>An engine the harness can time.</summary>
internal interface IBenchEngine : IDisposable
{
    /// <summary>Short name used in the report.</summary>
    string Name { get; }

    /// <summary>Runs the encoder on <paramref name="sequences"/> (all of one length) for one task; returns the token-state count.</summary>
    long Run(IReadOnlyList<int[]> sequences, int task);
}
