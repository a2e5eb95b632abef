// NeoX (rotate-half) rotary position embedding over the whole head (spec §3.4, §9.4). Angles are formed exactly as
// the reference does in fp32: inv_freq = 1 / base^(2i/d) (fp32 exponent and power), θ = p·inv_freq (one fp32 multiply).
using System.Numerics;

namespace JinaEmbed.Compute;

/// <summary>A precomputed cos/sin table and the rotation applied to q and k.</summary>
public sealed class RotaryEmbedding
{
    private readonly float[] _cos;
    private readonly float[] _sin;

    /// <summary>Builds the table for positions 0 … <paramref name="maxPositions"/> − 1.</summary>
    public RotaryEmbedding(int headDimension, float rotaryBase, int maxPositions)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(headDimension);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxPositions);
        if (headDimension % 2 != 0)
        {
            throw new ArgumentException("The rotary dimension must be even.", nameof(headDimension));
        }

        HeadDimension = headDimension;
        MaxPositions = maxPositions;
        int half = headDimension / 2;
        var invFreq = new float[half];
        for (int i = 0; i < half; i++)
        {
            float exponent = (float)(2 * i) / headDimension;
            invFreq[i] = 1f / MathF.Pow(rotaryBase, exponent);
        }

        _cos = new float[maxPositions * half];
        _sin = new float[maxPositions * half];
        for (int p = 0; p < maxPositions; p++)
        {
            for (int i = 0; i < half; i++)
            {
                float angle = p * invFreq[i];
                _cos[(p * half) + i] = MathF.Cos(angle);
                _sin[(p * half) + i] = MathF.Sin(angle);
            }
        }
    }

    /// <summary>Head width the table was built for.</summary>
    public int HeadDimension { get; }

    /// <summary>Positions covered by the table.</summary>
    public int MaxPositions { get; }

    /// <summary>
    /// Rotates q (columns [0, heads·d)) and k (columns [heads·d, 2·heads·d)) of every row of <paramref name="qkv"/>
    /// (row stride <paramref name="rowStride"/>), with positions restarting at 0 in every sequence.
    /// </summary>
    public void ApplyToQueryKey(float[] qkv, int rowStride, int[] sequenceStarts, int heads, ComputeContext context)
    {
        ArgumentNullException.ThrowIfNull(qkv);
        ArgumentNullException.ThrowIfNull(sequenceStarts);
        ArgumentNullException.ThrowIfNull(context);
        int tokens = sequenceStarts[^1];
        const int RowsPerItem = 64;
        int items = (tokens + RowsPerItem - 1) / RowsPerItem;
        int d = HeadDimension, half = d / 2;
        context.For(items, item =>
        {
            int first = item * RowsPerItem, end = Math.Min(tokens, first + RowsPerItem);
            int seq = Array.BinarySearch(sequenceStarts, first);
            seq = seq >= 0 ? seq : ~seq - 1;
            for (int t = first; t < end; t++)
            {
                while (t >= sequenceStarts[seq + 1])
                {
                    seq++;
                }

                int position = t - sequenceStarts[seq];
                if (position >= MaxPositions)
                {
                    throw new ArgumentException($"Position {position} is beyond the rotary table ({MaxPositions}).");
                }

                var cos = _cos.AsSpan(position * half, half);
                var sin = _sin.AsSpan(position * half, half);
                for (int h = 0; h < 2 * heads; h++)
                {
                    Rotate(qkv.AsSpan((t * rowStride) + (h * d), d), cos, sin);
                }
            }
        });
    }

    // x[i], x[i + half] ← rotation by θᵢ; vector lanes compute the same separately rounded products as the scalar tail.
    private static void Rotate(Span<float> x, ReadOnlySpan<float> cos, ReadOnlySpan<float> sin)
    {
        int half = cos.Length, i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            for (; i + Vector<float>.Count <= half; i += Vector<float>.Count)
            {
                var a = new Vector<float>(x[i..]);
                var b = new Vector<float>(x[(i + half)..]);
                var c = new Vector<float>(cos[i..]);
                var s = new Vector<float>(sin[i..]);
                ((a * c) - (b * s)).CopyTo(x[i..]);
                ((b * c) + (a * s)).CopyTo(x[(i + half)..]);
            }
        }

        for (; i < half; i++)
        {
            float a = x[i], b = x[i + half];
            x[i] = (a * cos[i]) - (b * sin[i]);
            x[i + half] = (b * cos[i]) + (a * sin[i]);
        }
    }
}
