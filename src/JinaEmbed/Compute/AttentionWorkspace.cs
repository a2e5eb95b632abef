// Keys and values of every (sequence, head) packed once per attention call into the micro-kernels' 32-wide fp32
// panels, so the query blocks of a long sequence share one copy instead of each repacking every key block (issue #4).
namespace JinaEmbed.Compute;

/// <summary>
/// Reusable buffers for <see cref="Attention.SelfAttention"/> and <see cref="Attention.GroupedQueryAttention"/>: per
/// (sequence, KV head), Kᵀ as [key / 32][d][32 keys] and V as [⌈d / 32⌉][padded keys][32 dims], sequences padded to a
/// multiple of 32 keys. They grow to the largest batch seen.
/// </summary>
public sealed class AttentionWorkspace
{
    private const int Panel = WeightMatrix.PanelWidth;
    private long[] _sequenceOffsets = [];
    private int[] _paddedLengths = [];
    private int _headDimension;
    private int _headStride;

    internal float[] Keys { get; private set; } = [];

    internal float[] Values { get; private set; } = [];

    /// <summary>Keys padded to a multiple of 32 in sequence <paramref name="seq"/>.</summary>
    internal int PaddedLength(int seq) => _paddedLengths[seq];

    /// <summary>Where the panels of (<paramref name="seq"/>, <paramref name="head"/>) start in Keys and Values.</summary>
    internal long HeadOffset(int seq, int head) => _sequenceOffsets[seq] + ((long)head * _paddedLengths[seq] * _headStride);

    /// <summary>The head width the panels were packed for.</summary>
    internal int HeadDimension => _headDimension;

    /// <summary>Packs the keys and values of <see cref="Attention.SelfAttention"/>'s [q | k | v] rows.</summary>
    internal void Pack(float[] qkv, int[] sequenceStarts, int heads, int d, ComputeContext context)
    {
        int width = heads * d;
        Pack(new Attention.Operands(qkv, 3 * width, 0, qkv, 3 * width, width, qkv, 3 * width, 2 * width, qkv, width), sequenceStarts, heads, d, context);
    }

    /// <summary>
    /// Packs KV head h of every token t, read at k[t·KStride + KColumn + h·d …] and v[t·VStride + VColumn + h·d …].
    /// A head width that is not a multiple of 32 leaves the last value panel partly unused.
    /// </summary>
    internal unsafe void Pack(in Attention.Operands operands, int[] sequenceStarts, int heads, int d, ComputeContext context)
    {
        int sequences = sequenceStarts.Length - 1;
        if (_paddedLengths.Length < sequences)
        {
            _paddedLengths = new int[sequences];
            _sequenceOffsets = new long[sequences];
        }

        _headDimension = d;
        _headStride = (d + Panel - 1) / Panel * Panel;
        long total = 0;
        var groups = new List<(int Seq, int Key)>();
        for (int s = 0; s < sequences; s++)
        {
            int length = sequenceStarts[s + 1] - sequenceStarts[s];
            _paddedLengths[s] = (length + Panel - 1) / Panel * Panel;
            _sequenceOffsets[s] = total;
            total += (long)_paddedLengths[s] * heads * _headStride;
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

        var op = operands;
        int valuePanels = _headStride / Panel;
        context.For(groups.Count, g =>
        {
            var (s, key0) = groups[g];
            int start = sequenceStarts[s], keys = Math.Min(Panel, sequenceStarts[s + 1] - start - key0);
            int padded = _paddedLengths[s];
            fixed (float* pk0 = op.K, pv0 = op.V, pk = Keys, pv = Values)
            {
                for (int head = 0; head < heads; head++)
                {
                    long headBase = HeadOffset(s, head);
                    float* kPanel = pk + headBase + ((long)(key0 / Panel) * d * Panel);
                    for (int j = 0; j < keys; j++)
                    {
                        long row = start + key0 + j;
                        float* k = pk0 + (row * op.KStride) + op.KColumn + (head * d);
                        for (int c = 0; c < d; c++)
                        {
                            kPanel[(c * Panel) + j] = k[c];
                        }

                        float* v = pv0 + (row * op.VStride) + op.VColumn + (head * d);
                        for (int p = 0; p < valuePanels; p++)
                        {
                            int n = Math.Min(Panel, d - (p * Panel));
                            new ReadOnlySpan<float>(v + (p * Panel), n).CopyTo(new Span<float>(pv + headBase + ((((long)p * padded) + key0 + j) * Panel), n));
                        }
                    }
                }
            }
        });
    }
}
