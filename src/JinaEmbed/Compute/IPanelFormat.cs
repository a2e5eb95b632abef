// How a micro-kernel reads one k-row (32 outputs) of a packed weight panel: BF16 or fp32 (see WeightMatrix).
// Implemented by small structs so the JIT specialises every kernel per format (issue #4).
using System.Numerics;
using System.Runtime.Intrinsics;

namespace JinaEmbed.Compute;

/// <summary>Reads a packed panel k-row as fp32 vectors; <c>low</c> holds outputs w…, <c>high</c> outputs 16 + w….</summary>
internal unsafe interface IPanelFormat
{
    /// <summary>Bytes of one packed k-row (32 outputs).</summary>
    static abstract int RowBytes { get; }

    /// <summary>Outputs 0…15 and 16…31.</summary>
    static abstract void Load512(byte* row, out Vector512<float> low, out Vector512<float> high);

    /// <summary>Outputs 8·half…8·half+7 and 16+8·half….</summary>
    static abstract void Load256(byte* row, int half, out Vector256<float> low, out Vector256<float> high);

    /// <summary>Outputs word…word+Vector&lt;float&gt;.Count−1 and 16+word….</summary>
    static abstract void LoadVector(byte* row, int word, out Vector<float> low, out Vector<float> high);
}
