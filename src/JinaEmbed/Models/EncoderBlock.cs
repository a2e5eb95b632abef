// The post-LN transformer block shared by jina-v3 and BERT (spec §3.3): fused QKV (+ optional RoPE) → attention within
// each sequence → out proj → LN(x + ·) → fc1 → erf GELU → fc2 → LN(x + ·). Only the kernels in Compute do the arithmetic.
using JinaEmbed.Compute;

namespace JinaEmbed.Models;

/// <summary>Writes the embedding of batch token <c>token</c> (of sequence <c>sequence</c>) into <c>row</c>.</summary>
internal delegate void TokenEmbedding(int token, int sequence, Span<float> row);

/// <summary>Runs one encoder block in place on packed token states.</summary>
internal static class EncoderBlock
{
    /// <summary>Rows per feed-forward chunk: large enough for full-speed GEMMs, small enough to bound memory.</summary>
    public const int FeedForwardRows = 1024;

    /// <summary>
    /// x [n, H] ← block(x). <paramref name="rotary"/> null means absolute positions were added at the embedding step;
    /// <paramref name="runs"/> and <paramref name="loraScale"/> select per-row adapters (empty runs: base weights only).
    /// </summary>
    public static void Forward(
        JinaV3Layer layer,
        float[] x,
        int n,
        int[] sequenceStarts,
        int heads,
        float eps,
        RotaryEmbedding? rotary,
        IReadOnlyList<(int Start, int Count, int Adapter)> runs,
        float loraScale,
        Buffers s,
        ComputeContext context)
    {
        int h = layer.OutProj.Out, f = layer.Fc1.Out;
        layer.Wqkv.Forward(x, n, s.Qkv, runs, loraScale, context);
        rotary?.ApplyToQueryKey(s.Qkv, 3 * h, sequenceStarts, heads, context);
        Attention.SelfAttention(s.Qkv, sequenceStarts, heads, h / heads, s.Context, context, s.Attention);
        layer.OutProj.Forward(s.Context, n, s.Hidden, runs, loraScale, context);
        LayerNorm.Apply(x, s.Hidden, n, h, layer.Norm1Weight, layer.Norm1Bias, eps, context);

        // The feed-forward network in chunks of rows: its 4·H-wide activations are the largest buffer, and a long
        // document needs only one chunk of them at a time (rows are independent, so results do not change).
        for (int first = 0; first < n; first += FeedForwardRows)
        {
            int rows = Math.Min(FeedForwardRows, n - first);
            layer.Fc1.Forward(x, first, s.Ffn, 0, rows, first, runs, loraScale, context);
            Activations.Gelu(s.Ffn, rows * f, context);
            layer.Fc2.Forward(s.Ffn, 0, s.Hidden, first, rows, first, runs, loraScale, context);
        }

        LayerNorm.Apply(x, s.Hidden, n, h, layer.Norm2Weight, layer.Norm2Bias, eps, context);
    }

    /// <summary>
    /// The whole encoder on a packed batch: every token's embedding, the embedding LayerNorm, then every block. Takes
    /// the model's spare <see cref="Buffers"/> (a concurrent call makes its own) and gives them back afterwards.
    /// </summary>
    public static float[] ForwardStack(
        EncoderBatch batch,
        TokenEmbedding embed,
        float[] normWeight,
        float[] normBias,
        IReadOnlyList<JinaV3Layer> layers,
        int heads,
        float eps,
        RotaryEmbedding? rotary,
        IReadOnlyList<(int Start, int Count, int Adapter)> runs,
        float loraScale,
        ref Buffers? spare,
        ComputeContext context)
    {
        int n = batch.TokenCount, h = normWeight.Length, f = layers.Count > 0 ? layers[0].Fc1.Out : 0;
        var x = new float[n * h];
        if (n == 0)
        {
            return x;
        }

        var s = Interlocked.Exchange(ref spare, null) ?? new Buffers();
        try
        {
            s.Ensure(n, h, f);
            var starts = batch.SequenceStarts;
            context.For(batch.SequenceCount, seq =>
            {
                for (int t = starts[seq]; t < starts[seq + 1]; t++)
                {
                    embed(t, seq, x.AsSpan(t * h, h));
                }
            });
            LayerNorm.Apply(x, null, n, h, normWeight, normBias, eps, context);
            foreach (var layer in layers)
            {
                Forward(layer, x, n, starts, heads, eps, rotary, runs, loraScale, s, context);
            }

            return x;
        }
        finally
        {
            Volatile.Write(ref spare, s);
        }
    }

    /// <summary>Activation buffers reused across calls; they grow to the largest batch seen.</summary>
    internal sealed class Buffers
    {
        public float[] Qkv = [];
        public float[] Context = [];
        public float[] Hidden = [];
        public float[] Ffn = [];
        public AttentionWorkspace Attention = new();

        public void Ensure(int tokens, int hidden, int ffn)
        {
            if (Qkv.Length < tokens * 3 * hidden)
            {
                // Drop the smaller buffers first so a collection during the new allocations can reclaim them.
                (Qkv, Context, Hidden) = ([], [], []);
                Qkv = new float[tokens * 3 * hidden];
                Context = new float[tokens * hidden];
                Hidden = new float[tokens * hidden];
            }

            int ffnRows = Math.Min(tokens, FeedForwardRows);
            if (Ffn.Length < ffnRows * ffn)
            {
                Ffn = [];
                Ffn = new float[ffnRows * ffn];
            }
        }
    }
}
