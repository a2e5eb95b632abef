// The jina-embeddings-v4 language model on a packed batch (spec §4.2): embedding rows → 36 pre-RMSNorm decoder layers
// (q/k/v with bias → M-RoPE → causal GQA attention within each sequence → o → SwiGLU MLP), each linear with its
// sequence's task LoRA → final RMSNorm. Also the multi-vector projector head (spec §8.2).
using JinaEmbed.Checkpoints;
using JinaEmbed.Compute;

namespace JinaEmbed.Models;

/// <summary>The Qwen2.5-VL text decoder of jina-embeddings-v4 with its three task adapters, fp32 activations.</summary>
public sealed class JinaV4Model : IEncoderModel, IMultiVectorModel
{
    /// <summary>Longest text sequence (spec §2.6: 32768 ids, prefix included).</summary>
    public const int MaxTextTokens = 32768;

    /// <summary>The fixed text every image is embedded in (spec §7.6); the placeholder becomes n image tokens.</summary>
    public const string ImagePrompt = "<|im_start|>user\n<|vision_start|><|image_pad|><|vision_end|>Describe the image.<|im_end|>\n";

    // MLP intermediates [rows, F] are 44 KB per row: run the MLP over row chunks so 32k tokens need no 2.75 GiB buffer.
    private const int MlpRows = 1024;

    private readonly JinaV4Weights _weights;
    private readonly float[] _inverseFrequencies;
    private readonly int[] _mropeSections;
    private readonly Lazy<JinaV4VisionTower> _vision;
    private Buffers? _spare;

    /// <summary>Wraps loaded weights; <paramref name="context"/> decides the threads the kernels use.</summary>
    public JinaV4Model(JinaV4Weights weights, ComputeContext? context = null)
    {
        _weights = weights ?? throw new ArgumentNullException(nameof(weights));
        Context = context ?? new ComputeContext();
        _inverseFrequencies = RotaryTables.InverseFrequencies(Config.HeadDimension, Config.RopeTheta);
        _mropeSections = [.. Config.MropeSection];

        // The tower's 1.34 GB are read on the first image, so text-only use never holds them (spec §12.3).
        _vision = new(() => new JinaV4VisionTower(JinaV4VisionWeights.Load(_weights.Checkpoint, Config.Vision, _weights.Precision), Config.Vision, Config.RmsNormEps, Context) { Mutation = Mutation }, LazyThreadSafetyMode.ExecutionAndPublication);
    }

    /// <summary>The configuration.</summary>
    public JinaV4Config Config => _weights.Config;

    /// <summary>The weights.</summary>
    public JinaV4Weights Weights => _weights;

    /// <summary>Threads and ISA tier of the kernels.</summary>
    public ComputeContext Context { get; }

    /// <summary>The vision tower (spec §6), loaded from the checkpoint on first use.</summary>
    public JinaV4VisionTower VisionTower => _vision.Value;

    /// <summary>Whether the vision tower's weights have been loaded.</summary>
    public bool VisionTowerLoaded => _vision.IsValueCreated;

    /// <summary>The LoRA scale (lora_alpha / r from adapter_config.json).</summary>
    public float LoraScale => Mutation.HasFlag(JinaV4Mutation.LoraScaleOne) ? 1f : _weights.Adapters.Scale;

    /// <summary>
    /// Deliberate deviations from spec §4.2 (spec §11.4), used only by tests that show the parity tests catch them.
    /// </summary>
    internal JinaV4Mutation Mutation { get; set; }

    /// <inheritdoc/>
    public int HiddenSize => Config.HiddenSize;

    /// <inheritdoc/>
    public int MaxSequenceLength => MaxTextTokens;

    /// <inheritdoc/>
    public int AdapterCount => _weights.AdapterCount;

    /// <inheritdoc/>
    public int MultiVectorSize => Config.MultiVectorProjectorDim;

    /// <summary>Loads config.json, the (sharded) base checkpoint and adapters/ from a model folder.</summary>
    /// <exception cref="CheckpointException">A file is missing or malformed, or a tensor is missing, misshapen or unexpected.</exception>
    public static JinaV4Model Load(string directory, ComputeContext? context = null, Precision precision = Precision.Exact)
    {
        ArgumentNullException.ThrowIfNull(directory);
        var config = JinaV4Config.Load(Path.Combine(directory, "config.json"));
        return new JinaV4Model(JinaV4Weights.Load(directory, config, precision), context);
    }

    /// <inheritdoc/>
    public float[] Forward(EncoderBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        Validate(batch);
        var c = Config;
        int n = batch.TokenCount, d = c.HiddenSize, kvWidth = c.KeyValueWidth, hd = c.HeadDimension;
        var starts = batch.SequenceStarts;
        var runs = batch.AdapterRuns();
        float scale = LoraScale;
        var ctx = Context;

        // x = embedding rows E[ids], [n, D] (the residual stream; returned as H at the end).
        var x = new float[n * d];
        var ids = batch.TokenIds;
        ctx.For(n, t => _weights.EmbedToken(ids[t], x.AsSpan(t * d, d)));
        if (n == 0)
        {
            return x;
        }

        // Image sequences: the r-th <|image_pad|> row takes the vision tower's merged token r instead (spec §6.7).
        if (batch.HasImages)
        {
            SpliceImages(batch, x);
        }

        // (cos, sin) per token from the three M-RoPE position rows, [n, hd / 2] each: 1-D for text, 3-D for images (§5).
        var positions = batch.Positions ?? Positions(batch);
        var s = Interlocked.Exchange(ref _spare, null) ?? new Buffers();
        try
        {
            s.Ensure(n, d, kvWidth, c.IntermediateSize, hd);
            RotaryTables.MultimodalAngles(positions, n, _mropeSections, _inverseFrequencies, s.Cos, s.Sin);

            var layers = _weights.Layers;
            for (int l = 0; l < layers.Length; l++)
            {
                var layer = layers[l];

                // h = rmsnorm(x); after layer 0 the previous MLP output is added to x first (residual).
                if (l == 0)
                {
                    RmsNorm.Apply(x, s.Hidden, n, d, layer.InputNorm, c.RmsNormEps, ctx);
                }
                else
                {
                    RmsNorm.AddAndApply(x, s.Delta, s.Hidden, n, d, layer.InputNorm, c.RmsNormEps, ctx);
                }

                // q, k, v = adapted(h) with bias; rotate q and k (v is not rotated).
                layer.QueryProjection.Forward(s.Hidden, n, s.Query, runs, scale, ctx);
                layer.KeyProjection.Forward(s.Hidden, n, s.Key, runs, scale, ctx);
                layer.ValueProjection.Forward(s.Hidden, n, s.Value, runs, scale, ctx);
                RotateHalf.Apply(s.Query, n, d, 0, c.NumAttentionHeads, hd, s.Cos, s.Sin, ctx);
                RotateHalf.Apply(s.Key, n, kvWidth, 0, c.NumKeyValueHeads, hd, s.Cos, s.Sin, ctx);

                // Causal attention within each sequence; query head g reads KV head g / (heads / kv heads).
                Attention.GroupedQueryAttention(s.Query, s.Key, s.Value, starts, c.NumAttentionHeads, c.NumKeyValueHeads, hd, causal: !Mutation.HasFlag(JinaV4Mutation.BidirectionalAttention), s.Context, ctx, s.Attention);

                // x = x + adapted(o, o_proj); h = rmsnorm(x).
                layer.OutputProjection.Forward(s.Context, n, s.Delta, runs, scale, ctx);
                RmsNorm.AddAndApply(x, s.Delta, s.Hidden, n, d, layer.PostAttentionNorm, c.RmsNormEps, ctx);

                // MLP delta = down(silu(gate(h)) ⊙ up(h)), by row chunks; added to x by the next norm.
                for (int first = 0; first < n; first += MlpRows)
                {
                    int rows = Math.Min(MlpRows, n - first);
                    layer.GateProjection.Forward(s.Hidden, first, s.Gate, 0, rows, first, runs, scale, ctx);
                    layer.UpProjection.Forward(s.Hidden, first, s.Up, 0, rows, first, runs, scale, ctx);
                    Activations.SwiGlu(s.Gate, s.Up, rows * c.IntermediateSize, ctx);
                    layer.DownProjection.Forward(s.Gate, 0, s.Delta, first, rows, first, runs, scale, ctx);
                }
            }

            // H = rmsnorm(x + last MLP delta, model.norm): the hidden states every output uses.
            if (Mutation.HasFlag(JinaV4Mutation.NoFinalNorm))
            {
                RmsNorm.AddAndApply(x, s.Delta, s.Hidden, n, d, _weights.FinalNormWeight, c.RmsNormEps, ctx);
                return x;
            }

            RmsNorm.AddAndApply(x, s.Delta, x, n, d, _weights.FinalNormWeight, c.RmsNormEps, ctx);
            return x;
        }
        finally
        {
            Volatile.Write(ref _spare, s);
        }
    }

    /// <inheritdoc/>
    public float[] ProjectMultiVectors(ReadOnlySpan<float> states, int rows, int adapter)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(rows);
        if (adapter < 0 || adapter >= AdapterCount)
        {
            throw new ArgumentOutOfRangeException(nameof(adapter), $"jina-embeddings-v4 needs a task adapter (0..{AdapterCount - 1}), got {adapter}.");
        }

        int d = HiddenSize;
        var h = states[..(rows * d)].ToArray();
        var projected = new float[rows * MultiVectorSize];
        _weights.MultiVectorProjector.Forward(h, rows, projected, [(0, rows, adapter)], LoraScale, Context);
        return projected;
    }

    /// <summary>Closes the checkpoint files.</summary>
    public void Dispose() => _weights.Dispose();

    /// <summary>
    /// M-RoPE positions of a packed batch, [3, tokens]: text sequences pT = pH = pW = index (spec §5.1); an image
    /// sequence follows get_rope_index for one still image (spec §5.2).
    /// </summary>
    internal int[] Positions(EncoderBatch batch)
    {
        int n = batch.TokenCount;
        var positions = new int[3 * n];
        var starts = batch.SequenceStarts;
        int merge = Config.Vision.SpatialMergeSize;
        for (int seq = 0; seq < batch.SequenceCount; seq++)
        {
            int start = starts[seq], length = starts[seq + 1] - start;
            var t = positions.AsSpan(start, length);
            var h = positions.AsSpan(n + start, length);
            var w = positions.AsSpan((2 * n) + start, length);
            if (batch.Images?[seq] is { } image && !Mutation.HasFlag(JinaV4Mutation.OneDimensionalImagePositions))
            {
                ImagePositions(batch.TokenIds.AsSpan(start, length), Config.ImageTokenId, image.GridHeight / merge, image.GridWidth / merge, t, h, w);
            }
            else
            {
                for (int i = 0; i < length; i++)
                {
                    t[i] = h[i] = w[i] = i;
                }
            }
        }

        return positions;
    }

    /// <summary>
    /// Positions of one sequence holding one still image of <paramref name="mergedHeight"/> × <paramref name="mergedWidth"/>
    /// merged tokens (spec §5.2): text before the image at (i, i, i); merged token (r, c) at (k, k + r, k + c), k = index of
    /// the first image token; text after continues at m + 1 + i in all rows, m = k + max(H', W') − 1.
    /// </summary>
    internal static void ImagePositions(ReadOnlySpan<int> ids, int imageTokenId, int mergedHeight, int mergedWidth, Span<int> t, Span<int> h, Span<int> w)
    {
        int k = ids.IndexOf(imageTokenId), count = mergedHeight * mergedWidth;
        if (k < 0 || k + count > ids.Length || ids[k..(k + count)].ContainsAnyExcept(imageTokenId) || ids[(k + count)..].Contains(imageTokenId))
        {
            throw new ArgumentException($"An image sequence needs exactly {count} consecutive image tokens ({imageTokenId}).", nameof(ids));
        }

        for (int i = 0; i < k; i++)
        {
            t[i] = h[i] = w[i] = i;
        }

        for (int r = 0; r < mergedHeight; r++)
        {
            for (int c = 0; c < mergedWidth; c++)
            {
                int i = k + (r * mergedWidth) + c;
                t[i] = k;
                h[i] = k + r;
                w[i] = k + c;
            }
        }

        int next = k + Math.Max(mergedHeight, mergedWidth);
        for (int i = k + count; i < ids.Length; i++)
        {
            t[i] = h[i] = w[i] = next + (i - k - count);
        }
    }

    // Runs the vision tower on every image of the batch (together: one GEMM per weight) and writes merged token r into
    // the r-th image-token row of its sequence.
    private void SpliceImages(EncoderBatch batch, float[] x)
    {
        int d = HiddenSize;
        var sequences = new List<int>();
        var images = new List<Images.ImagePatches>();
        for (int seq = 0; seq < batch.SequenceCount; seq++)
        {
            if (batch.Images![seq] is { } image)
            {
                sequences.Add(seq);
                images.Add(image);
            }
        }

        var features = VisionTower.Forward(images);
        for (int i = 0; i < sequences.Count; i++)
        {
            int seq = sequences[i], r = 0;
            for (int tok = batch.SequenceStarts[seq]; tok < batch.SequenceStarts[seq + 1]; tok++)
            {
                if (batch.TokenIds[tok] == Config.ImageTokenId)
                {
                    features[i].AsSpan(r * d, d).CopyTo(x.AsSpan(tok * d, d));
                    r++;
                }
            }
        }
    }

    private void Validate(EncoderBatch batch)
    {
        for (int seq = 0; seq < batch.SequenceCount; seq++)
        {
            int length = batch.SequenceStarts[seq + 1] - batch.SequenceStarts[seq];
            if (length > MaxTextTokens)
            {
                throw new ArgumentException($"Sequence {seq} has {length} tokens; the maximum is {MaxTextTokens}.", nameof(batch));
            }

            if (batch.Images?[seq] is { } image)
            {
                int imageTokens = batch.TokenIds.AsSpan(batch.SequenceStarts[seq], length).Count(Config.ImageTokenId);
                if (imageTokens != image.ImageTokens)
                {
                    throw new ArgumentException($"Sequence {seq} has {imageTokens} image tokens ({Config.ImageTokenId}) for an image of {image.ImageTokens} merged tokens.", nameof(batch));
                }

                if (image.PatchInputSize != Config.Vision.PatchInputSize)
                {
                    throw new ArgumentException($"Sequence {seq}'s image has {image.PatchInputSize} values per patch; the vision tower takes {Config.Vision.PatchInputSize}.", nameof(batch));
                }
            }

            // Spec §9: there is no base-model mode; every sequence runs with one of the task adapters.
            int adapter = batch.Adapters[seq];
            if (adapter < 0 || adapter >= AdapterCount)
            {
                throw new ArgumentException($"Sequence {seq} has adapter {adapter}; jina-embeddings-v4 needs one of 0..{AdapterCount - 1}.", nameof(batch));
            }
        }

        foreach (int id in batch.TokenIds)
        {
            if ((uint)id >= (uint)Config.VocabSize)
            {
                throw new ArgumentException($"Token id {id} is outside the vocabulary (0..{Config.VocabSize - 1}).", nameof(batch));
            }
        }
    }

    /// <summary>Activation buffers reused across calls; they grow to the largest batch seen.</summary>
    private sealed class Buffers
    {
        public float[] Hidden = [];   // h = rmsnorm(x), [n, D]
        public float[] Query = [];    // [n, heads·hd]
        public float[] Key = [];      // [n, kv·hd]
        public float[] Value = [];    // [n, kv·hd]
        public float[] Context = [];  // attention output, [n, D]
        public float[] Delta = [];    // o_proj or MLP output to add to x, [n, D]
        public float[] Gate = [];     // [MlpRows, F]
        public float[] Up = [];       // [MlpRows, F]
        public float[] Cos = [];      // [n, hd / 2]
        public float[] Sin = [];      // [n, hd / 2]
        public AttentionWorkspace Attention = new();

        public void Ensure(int tokens, int hidden, int kvWidth, int ffn, int headDimension)
        {
            if (Hidden.Length < tokens * hidden)
            {
                // Drop the old buffers first so a collection during the new allocations can reclaim them.
                (Hidden, Query, Key, Value, Context, Delta, Cos, Sin) = ([], [], [], [], [], [], [], []);
                Hidden = new float[tokens * hidden];
                Query = new float[tokens * hidden];
                Key = new float[tokens * kvWidth];
                Value = new float[tokens * kvWidth];
                Context = new float[tokens * hidden];
                Delta = new float[tokens * hidden];
                Cos = new float[tokens * headDimension / 2];
                Sin = new float[tokens * headDimension / 2];
            }

            int rows = Math.Min(tokens, MlpRows);
            if (Gate.Length < rows * ffn)
            {
                (Gate, Up) = ([], []);
                Gate = new float[rows * ffn];
                Up = new float[rows * ffn];
            }
        }
    }
}
