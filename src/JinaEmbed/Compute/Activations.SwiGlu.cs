// SwiGLU gate of the jina-embeddings-v4 MLP (spec §4.1): gate ← silu(gate) ⊙ up, silu(z) = z / (1 + e^(−z)), fp32.
using System.Numerics;
using System.Runtime.Intrinsics;

namespace JinaEmbed.Compute;

/// <summary>SiLU and the SwiGLU product.</summary>
public static partial class Activations
{
    private const int SwiGluPerItem = 16384;

    /// <summary>gate[i] = silu(gate[i]) · up[i] for i &lt; <paramref name="count"/>.</summary>
    public static void SwiGlu(float[] gate, float[] up, int count, ComputeContext context)
    {
        ArgumentNullException.ThrowIfNull(gate);
        ArgumentNullException.ThrowIfNull(up);
        ArgumentNullException.ThrowIfNull(context);
        ArgumentOutOfRangeException.ThrowIfLessThan(gate.Length, count, nameof(gate));
        ArgumentOutOfRangeException.ThrowIfLessThan(up.Length, count, nameof(up));
        int items = (count + SwiGluPerItem - 1) / SwiGluPerItem;
        var tier = context.Tier;
        context.For(items, item =>
        {
            int first = item * SwiGluPerItem, n = Math.Min(SwiGluPerItem, count - first);
            var g = gate.AsSpan(first, n);
            var u = up.AsSpan(first, n);
            int i = SwiGluLanes(g, u, tier);
            if (i < n)
            {
                // The tail in padded lanes, as GELU's: a value's bits do not depend on where the buffer ends (issue #17).
                Span<float> paddedGate = stackalloc float[PaddedTail], paddedUp = stackalloc float[PaddedTail];
                paddedGate.Clear();
                paddedUp.Clear();
                g[i..].CopyTo(paddedGate);
                u[i..].CopyTo(paddedUp);
                if (SwiGluLanes(paddedGate, paddedUp, tier) == PaddedTail)
                {
                    paddedGate[..(n - i)].CopyTo(g[i..]);
                    return;
                }

                for (; i < n; i++)
                {
                    g[i] = Silu(g[i]) * u[i];
                }
            }
        });
    }

    /// <summary>silu(z) = z / (1 + e^(−z)) of one value: the scalar reference.</summary>
    public static float Silu(float z) => z / (1f + MathF.Exp(-z));

    // The exp of VectorMath clamps its input to [−87, 88]: for z < −88 silu is z/(1 + e⁸⁸) ≈ −0 (true value ≈ z·e^z,
    // below 1e-36), for z > 87 it is z/(1 + 1.6e-38) = z: both match the reference to fp32 precision.
    // Returns how many leading values it handled (all but fewer than one vector's worth; none without vector lanes).
    private static unsafe int SwiGluLanes(Span<float> gate, ReadOnlySpan<float> up, IsaTier tier)
    {
        int n = gate.Length, i = 0;
        fixed (float* g = gate, u = up)
        {
            if (tier == IsaTier.Avx512)
            {
                var one = Vector512<float>.One;
                for (; i + 16 <= n; i += 16)
                {
                    var z = Vector512.Load(g + i);
                    (z / (one + VectorMath.Exp(-z)) * Vector512.Load(u + i)).Store(g + i);
                }
            }
            else if (tier == IsaTier.Avx2)
            {
                var one = Vector256<float>.One;
                for (; i + 8 <= n; i += 8)
                {
                    var z = Vector256.Load(g + i);
                    (z / (one + VectorMath.Exp(-z)) * Vector256.Load(u + i)).Store(g + i);
                }
            }
            else if (Vector.IsHardwareAccelerated)
            {
                for (; i + Vector<float>.Count <= n; i += Vector<float>.Count)
                {
                    var z = Vector.Load(g + i);
                    (z / (Vector<float>.One + Exp(-z)) * Vector.Load(u + i)).Store(g + i);
                }
            }
        }

        return i;
    }
}
