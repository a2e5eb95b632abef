// How a model's linear layers compute (issue #15): the exact path (BF16/fp32 weights, fp32 arithmetic) or int8 weights
// with per-row scales and activations quantised on the fly (int32 accumulation).
namespace JinaEmbed.Compute;

/// <summary>Arithmetic of the linear layers.</summary>
public enum Precision
{
    /// <summary>Weights as stored (BF16 widened exactly, or fp32), fp32 arithmetic: bit-for-bit the reference path.</summary>
    Exact,

    /// <summary>Linear weights quantised to int8 at load (half the memory of BF16), activations per row, int32 sums.</summary>
    Int8,
}
