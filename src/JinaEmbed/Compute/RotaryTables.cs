// Angle tables for rotate-half rotary embeddings (jina-embeddings-v4 spec §4.3, §5): inverse frequencies and the
// M-RoPE cos/sin tables, formed in fp32 exactly as the reference: inv_freq = 1 / θ^(2j/d) (fp32 exponent, power and
// reciprocal) and angle = p·inv_freq (one fp32 multiply), then cos/sin of that fp32 angle.
namespace JinaEmbed.Compute;

/// <summary>Builders of the cos/sin tables used by <see cref="RotateHalf"/>.</summary>
public static class RotaryTables
{
    /// <summary>inv_freq[j] = 1 / theta^(2j / dimension) for j &lt; dimension / 2, in fp32.</summary>
    public static float[] InverseFrequencies(int dimension, float theta)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(dimension);
        var invFreq = new float[dimension / 2];
        for (int j = 0; j < invFreq.Length; j++)
        {
            float exponent = (float)(2 * j) / dimension;
            invFreq[j] = 1f / MathF.Pow(theta, exponent);
        }

        return invFreq;
    }

    /// <summary>
    /// M-RoPE tables (spec §5): <paramref name="positions"/> is [3, tokens] (rows temporal, height, width);
    /// <paramref name="sections"/> count frequency pairs per row and sum to invFreq.Length (e.g. [16, 24, 24]).
    /// Writes cos and sin [tokens, invFreq.Length] of angle = fp32(position · invFreq[j]).
    /// </summary>
    public static void MultimodalAngles(int[] positions, int tokens, int[] sections, float[] invFreq, float[] cos, float[] sin)
    {
        ArgumentNullException.ThrowIfNull(positions);
        ArgumentNullException.ThrowIfNull(sections);
        ArgumentNullException.ThrowIfNull(invFreq);
        ArgumentNullException.ThrowIfNull(cos);
        ArgumentNullException.ThrowIfNull(sin);
        int half = invFreq.Length;
        if (sections.Sum() != half)
        {
            throw new ArgumentException($"The sections sum to {sections.Sum()}, not {half} frequency pairs.", nameof(sections));
        }

        if (sections.Length > 3 || positions.Length < sections.Length * tokens)
        {
            throw new ArgumentException("positions must hold one row of tokens per section (at most 3).", nameof(positions));
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(cos.Length, (long)tokens * half, nameof(cos));
        ArgumentOutOfRangeException.ThrowIfLessThan(sin.Length, (long)tokens * half, nameof(sin));

        // rowOf[j]: the position row (section) frequency pair j reads.
        var rowOf = new int[half];
        for (int s = 0, j = 0; s < sections.Length; s++)
        {
            for (int e = j + sections[s]; j < e; j++)
            {
                rowOf[j] = s;
            }
        }

        for (int t = 0; t < tokens; t++)
        {
            for (int j = 0; j < half; j++)
            {
                float angle = positions[(rowOf[j] * tokens) + t] * invFreq[j];
                cos[(t * half) + j] = MathF.Cos(angle);
                sin[(t * half) + j] = MathF.Sin(angle);
            }
        }
    }

    /// <summary>
    /// 2-D vision tables (spec §6.3): for patch p with (rows[p], columns[p]), the 2·invFreq.Length angles are
    /// [rows[p]·invFreq[0 …], columns[p]·invFreq[0 …]] (fp32 multiplies); writes cos and sin [patches, 2·invFreq.Length],
    /// the half-width tables of <see cref="RotateHalf"/> for head width 4·invFreq.Length (80 for inv_freq of 20).
    /// </summary>
    public static void VisionAngles(int[] rows, int[] columns, int patches, float[] invFreq, float[] cos, float[] sin)
    {
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(columns);
        ArgumentNullException.ThrowIfNull(invFreq);
        ArgumentNullException.ThrowIfNull(cos);
        ArgumentNullException.ThrowIfNull(sin);
        int n = invFreq.Length, half = 2 * n;
        ArgumentOutOfRangeException.ThrowIfLessThan(rows.Length, patches, nameof(rows));
        ArgumentOutOfRangeException.ThrowIfLessThan(columns.Length, patches, nameof(columns));
        ArgumentOutOfRangeException.ThrowIfLessThan(cos.Length, (long)patches * half, nameof(cos));
        ArgumentOutOfRangeException.ThrowIfLessThan(sin.Length, (long)patches * half, nameof(sin));
        for (int p = 0; p < patches; p++)
        {
            for (int i = 0; i < n; i++)
            {
                float rowAngle = rows[p] * invFreq[i], columnAngle = columns[p] * invFreq[i];
                cos[(p * half) + i] = MathF.Cos(rowAngle);
                sin[(p * half) + i] = MathF.Sin(rowAngle);
                cos[(p * half) + n + i] = MathF.Cos(columnAngle);
                sin[(p * half) + n + i] = MathF.Sin(columnAngle);
            }
        }
    }
}
