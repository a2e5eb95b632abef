// Keys and values of every (sequence, head) packed once per attention call into the micro-kernels' 32-wide fp32
// panels, so the query blocks of a long sequence share one copy instead of each repacking every key block (issue #4).
namespace JinaEmbed.Compute;

/// <summary>
/// Reusable buffers for <see cref="Attention.SelfAttention"/>: per (sequence, head), Kᵀ as [key / 32][d][32 keys] and
/// V as [d / 32][padded keys][32 dims], sequences padded to a multiple of 32 keys. They grow to the largest batch seen.
/// </summary>
public sealed class AttentionWorkspace
{
    private const int Panel = WeightMatrix.PanelWidth;
    private long[] _sequenceOffsets = [];
    private int[] _paddedLengths = [];
    private int _headDimension;

    internal float[] Keys { get; private set; } = [];

    internal float[] Values { get; private set; } = [];

    /// <summary>Keys padded to a multiple of 32 in sequence <paramref name="seq"/>.</summary>
    internal int PaddedLength(int seq) => _paddedLengths[seq];

    /// <summary>Where the panels of (<paramref name="seq"/>, <paramref name="head"/>) start in Keys and Values.</summary>
    internal long HeadOffset(int seq, int head) => _sequenceOffsets[seq] + ((long)head * _paddedLengths[seq] * _headDimension);

    internal unsafe void Pack(float[] qkv, int[] sequenceStarts, int heads, int d, ComputeContext context)
    {
        int sequences = sequenceStarts.Length - 1;
        if (_paddedLengths.Length < sequences)
        {
            _paddedLengths = new int[sequences];
            _sequenceOffsets = new long[sequences];
        }

        _headDimension = d;
        long total = 0;
        var groups = new List<(int Seq, int Key)>();
        for (int s = 0; s < sequences; s++)
        {
            int length = sequenceStarts[s + 1] - sequenceStarts[s];
            _paddedLengths[s] = (length + Panel - 1) / Panel * Panel;
            _sequenceOffsets[s] = total;
            total += (long)_paddedLengths[s] * heads * d;
            for (int key = 0; key < length; key += Panel)
            {
                groups.Add((s, key));
            }
        }

        if (Keys.Length < total)
        {
            (Keys, Values) = ([], []); // the old buffers become collectable before the new ones are allocated
            Keys = new float[total];
            Values = new float[total];
        }

        int width = heads * d, stride = 3 * width;
        context.For(groups.Count, g =>
        {
            var (s, key0) = groups[g];
            int start = sequenceStarts[s], keys = Math.Min(Panel, sequenceStarts[s + 1] - start - key0);
            int padded = _paddedLengths[s];
            fixed (float* pqkv = qkv, pk = Keys, pv = Values)
            {
                for (int head = 0; head < heads; head++)
                {
                    long headBase = HeadOffset(s, head);
                    float* kPanel = pk + headBase + ((long)(key0 / Panel) * d * Panel);
                    for (int j = 0; j < keys; j++)
                    {
                        float* row = pqkv + ((long)(start + key0 + j) * stride) + (head * d);
                        float* k = row + width;
                        for (int c = 0; c < d; c++)
                        {
                            kPanel[(c * Panel) + j] = k[c];
                        }

                        float* v = row + (2 * width);
                        for (int p = 0; p < d / Panel; p++)
                        {
                            new ReadOnlySpan<float>(v + (p * Panel), Panel).CopyTo(new Span<float>(pv + headBase + ((((long)p * padded) + key0 + j) * Panel), Panel));
                        }
                    }
                }
            }
        });
    }
}
