// The Qwen2.5-VL vision tower of jina-embeddings-v4 (spec §6), step by step: patch embedding as one GEMM → window order
// (patch rows and their 2-D rotary angles regrouped so every 4×4-merged-token window is contiguous) → 32 pre-RMSNorm
// blocks (fused qkv with bias → 2-D rotate-half → bidirectional attention within each window, or over the whole image in
// the full-attention blocks → proj with bias → SwiGLU MLP with biases) → merger (RMSNorm, 2×2 patches concatenated,
// Linear → erf GELU → Linear) → undo the window order. Images in one call never attend to each other.
using JinaEmbed.Checkpoints;
using JinaEmbed.Compute;
using JinaEmbed.Images;

namespace JinaEmbed.Models;

/// <summary>Turns preprocessed images into merged-token features [n, D] for the language model.</summary>
public sealed class JinaV4VisionTower
{
    private const float RotaryTheta = 10000f;

    private readonly JinaV4VisionWeights _weights;
    private readonly JinaV4VisionConfig _config;
    private readonly float _eps;
    private readonly float[] _inverseFrequencies;
    private readonly HashSet<int> _fullAttentionBlocks;
    private Buffers? _spare;

    internal JinaV4VisionTower(JinaV4VisionWeights weights, JinaV4VisionConfig config, float rmsNormEps, ComputeContext context)
    {
        _weights = weights;
        _config = config;
        _eps = rmsNormEps;
        Context = context;

        // Rotary over half of each head (40 of 80 dims): 20 row and 20 column frequencies, 1 / 10000^(2i / 40) (spec §6.3).
        _inverseFrequencies = RotaryTables.InverseFrequencies(config.HeadDimension / 2, RotaryTheta);
        _fullAttentionBlocks = [.. config.FullAttentionBlockIndexes];
    }

    /// <summary>Threads and ISA tier of the kernels.</summary>
    public ComputeContext Context { get; }

    /// <summary>Width of a merged-token feature (the language model's hidden size).</summary>
    public int OutputSize => _config.OutHiddenSize;

    /// <summary>Bytes the tower's weights hold in memory.</summary>
    public long ResidentBytes => _weights.ResidentBytes;

    /// <summary>The tower's weights (tests read how they were loaded).</summary>
    internal JinaV4VisionWeights Weights => _weights;

    /// <summary>Deliberate deviations from spec §6 (spec §11.4), used only by tests that show the parity tests catch them.</summary>
    internal JinaV4Mutation Mutation { get; set; }

    /// <summary>
    /// Runs the tower on each image; returns per image its features [ImageTokens, OutputSize] with merged token
    /// r·W' + c in row r·W' + c (raster order), the order of the image's <c>&lt;|image_pad|&gt;</c> tokens.
    /// </summary>
    public float[][] Forward(IReadOnlyList<ImagePatches> images)
    {
        ArgumentNullException.ThrowIfNull(images);
        var c = _config;
        int unit = c.SpatialMergeSize * c.SpatialMergeSize, inDim = c.PatchInputSize, dv = c.HiddenSize;
        int heads = c.NumHeads, hd = c.HeadDimension, fv = c.IntermediateSize;
        int patches = 0;
        foreach (var image in images)
        {
            ArgumentNullException.ThrowIfNull(image);
            if (image.PatchInputSize != inDim || image.GridHeight % c.SpatialMergeSize != 0 || image.GridWidth % c.SpatialMergeSize != 0)
            {
                throw new ArgumentException($"An image has {image.PatchInputSize}-value patches on a {image.GridHeight}×{image.GridWidth} grid; the tower takes {inDim} values per patch on grids divisible by {c.SpatialMergeSize}.", nameof(images));
            }

            patches += image.PatchCount;
        }

        if (patches == 0)
        {
            return [];
        }

        var ctx = Context;
        var s = Interlocked.Exchange(ref _spare, null) ?? new Buffers();
        try
        {
            s.Ensure(patches, inDim, dv, fv, hd);

            // Window order (§6.4): gather each image's patch rows (and (row, col) ids, §6.3) in groups of `unit` so that
            // new group p is old group windowIndex[p]; segments: whole images, and windows within them.
            var windowIndexes = new int[images.Count][];
            var imageStarts = new List<int> { 0 };
            var windowStarts = new List<int> { 0 };
            var rows = new int[patches];
            var columns = new int[patches];
            for (int i = 0, offset = 0; i < images.Count; i++)
            {
                var image = images[i];
                var (windowIndex, windows) = WindowOrder(image.GridHeight, image.GridWidth, c.SpatialMergeSize, WindowTokens);
                if (Mutation.HasFlag(JinaV4Mutation.NoWindowOrder))
                {
                    windowIndex = Enumerable.Range(0, windowIndex.Length).ToArray();
                }

                windowIndexes[i] = windowIndex;
                var (patchRows, patchColumns) = PatchPositions(image.GridHeight, image.GridWidth, c.SpatialMergeSize);
                for (int p = 0; p < windowIndex.Length; p++)
                {
                    int from = windowIndex[p] * unit, to = offset + (p * unit);
                    image.PixelValues.AsSpan(from * inDim, unit * inDim).CopyTo(s.Pixels.AsSpan(to * inDim, unit * inDim));
                    patchRows.AsSpan(from, unit).CopyTo(rows.AsSpan(to, unit));
                    patchColumns.AsSpan(from, unit).CopyTo(columns.AsSpan(to, unit));
                }

                foreach (int end in windows.Skip(1))
                {
                    windowStarts.Add(offset + end);
                }

                offset += image.PatchCount;
                imageStarts.Add(offset);
            }

            int[] full = [.. imageStarts], windowed = [.. windowStarts];
            RotaryTables.VisionAngles(rows, columns, patches, _inverseFrequencies, s.Cos, s.Sin);

            // x = pixel_values · Wpᵀ (the Conv3d with kernel = stride, no bias), [P, Dv].
            var x = s.X;
            Gemm.Multiply(s.Pixels.AsSpan(0, patches * inDim), patches, _weights.PatchEmbedding, [], x, ctx);

            var blocks = _weights.Blocks;
            for (int b = 0; b < blocks.Length; b++)
            {
                var block = blocks[b];

                // h = rmsnorm(x, norm1); after block 0 the previous MLP output is added to x first.
                if (b == 0)
                {
                    RmsNorm.Apply(x, s.Hidden, patches, dv, block.Norm1, _eps, ctx);
                }
                else
                {
                    RmsNorm.AddAndApply(x, s.Delta, s.Hidden, patches, dv, block.Norm1, _eps, ctx);
                }

                // q, k, v = h·Wqkvᵀ + b, [P, 3·Dv]; q and k rotated by the 2-D angles over each 80-wide head.
                Gemm.Multiply(s.Hidden.AsSpan(0, patches * dv), patches, block.Qkv, block.QkvBias, s.Qkv, ctx);
                RotateHalf.Apply(s.Qkv, patches, 3 * dv, 0, heads, hd, s.Cos, s.Sin, ctx);
                RotateHalf.Apply(s.Qkv, patches, 3 * dv, dv, heads, hd, s.Cos, s.Sin, ctx);

                // Attention within each window, or over each whole image in the full-attention blocks; no mask.
                bool fullBlock = _fullAttentionBlocks.Contains(b);
                var segments = fullBlock || Mutation.HasFlag(JinaV4Mutation.AllFullAttention) ? full : windowed;
                Attention.SegmentSelfAttention(s.Qkv, segments, heads, hd, s.Context, ctx, s.Attention);

                // x = x + a·Wprojᵀ + b; h = rmsnorm(x, norm2).
                Gemm.Multiply(s.Context.AsSpan(0, patches * dv), patches, block.Proj, block.ProjBias, s.Delta, ctx);
                RmsNorm.AddAndApply(x, s.Delta, s.Hidden, patches, dv, block.Norm2, _eps, ctx);

                // MLP delta = (silu(h·Wgᵀ + bg) ⊙ (h·Wuᵀ + bu))·Wdᵀ + bd; added to x by the next norm.
                Gemm.Multiply(s.Hidden.AsSpan(0, patches * dv), patches, block.Gate, block.GateBias, s.Gate, ctx);
                Gemm.Multiply(s.Hidden.AsSpan(0, patches * dv), patches, block.Up, block.UpBias, s.Up, ctx);
                Activations.SwiGlu(s.Gate, s.Up, patches * fv, ctx);
                Gemm.Multiply(s.Gate.AsSpan(0, patches * fv), patches, block.Down, block.DownBias, s.Delta, ctx);
            }

            // Merger (§6.6): ln_q on every patch row; each group of `unit` consecutive rows is one merged token
            // [P / unit, unit·Dv]; Linear → exact GELU → Linear to the LM width.
            RmsNorm.AddAndApply(x, s.Delta, s.Hidden, patches, dv, _weights.MergerNorm, _eps, ctx);
            int merged = patches / unit, mergedWidth = unit * dv, d = c.OutHiddenSize;
            Gemm.Multiply(s.Hidden.AsSpan(0, patches * dv), merged, _weights.MergerHidden, _weights.MergerHiddenBias, s.Merged, ctx);
            Activations.Gelu(s.Merged, merged * mergedWidth, ctx);
            var output = new float[merged * d];
            Gemm.Multiply(s.Merged.AsSpan(0, merged * mergedWidth), merged, _weights.MergerOut, _weights.MergerOutBias, output, ctx);

            // Undo the window order (§6.7): row p of image i belongs to its merged token windowIndex[p].
            var features = new float[images.Count][];
            for (int i = 0, first = 0; i < images.Count; i++)
            {
                var windowIndex = windowIndexes[i];
                var feature = features[i] = new float[windowIndex.Length * d];
                for (int p = 0; p < windowIndex.Length; p++)
                {
                    int token = Mutation.HasFlag(JinaV4Mutation.WindowOrderKept) ? p : windowIndex[p];
                    output.AsSpan((first + p) * d, d).CopyTo(feature.AsSpan(token * d, d));
                }

                first += windowIndex.Length;
            }

            return features;
        }
        finally
        {
            Volatile.Write(ref _spare, s);
        }
    }

    /// <summary>Side of an attention window in merged tokens: window_size / merge / patch (112 / 2 / 14 = 4).</summary>
    internal int WindowTokens => Math.Max(1, _config.WindowSize / _config.SpatialMergeSize / _config.PatchSize);

    /// <summary>
    /// Window order of one image (spec §6.4): the merged-token grid H' × W' (= grid / merge) padded to whole windows of
    /// <paramref name="windowTokens"/> (a whole empty window is added when a side is already a multiple), windows
    /// row-major and cells row-major inside each, padding dropped. Returns windowIndex (a permutation of the n merged
    /// tokens) and the window boundaries in patches, from 0, empty windows skipped.
    /// </summary>
    internal static (int[] WindowIndex, int[] WindowStarts) WindowOrder(int gridHeight, int gridWidth, int mergeSize, int windowTokens)
    {
        int mh = gridHeight / mergeSize, mw = gridWidth / mergeSize, unit = mergeSize * mergeSize;
        int paddedH = mh + (windowTokens - (mh % windowTokens)), paddedW = mw + (windowTokens - (mw % windowTokens));
        var index = new List<int>(mh * mw);
        var starts = new List<int> { 0 };
        for (int wr = 0; wr < paddedH / windowTokens; wr++)
        {
            for (int wc = 0; wc < paddedW / windowTokens; wc++)
            {
                int cells = 0;
                for (int r = wr * windowTokens; r < (wr + 1) * windowTokens; r++)
                {
                    for (int col = wc * windowTokens; col < (wc + 1) * windowTokens; col++)
                    {
                        if (r < mh && col < mw)
                        {
                            index.Add((r * mw) + col);
                            cells++;
                        }
                    }
                }

                if (cells > 0)
                {
                    starts.Add(starts[^1] + (cells * unit));
                }
            }
        }

        return ([.. index], [.. starts]);
    }

    /// <summary>
    /// (row, column) in patch units of every patch row of an image in merge-block order (spec §7.5): row n belongs to
    /// merge block (bh, bw) and in-block offset (i, j) with n = ((bh·(gw/m) + bw)·m + i)·m + j.
    /// </summary>
    internal static (int[] Rows, int[] Columns) PatchPositions(int gridHeight, int gridWidth, int mergeSize)
    {
        var rows = new int[gridHeight * gridWidth];
        var columns = new int[rows.Length];
        int n = 0;
        for (int bh = 0; bh < gridHeight / mergeSize; bh++)
        {
            for (int bw = 0; bw < gridWidth / mergeSize; bw++)
            {
                for (int i = 0; i < mergeSize; i++)
                {
                    for (int j = 0; j < mergeSize; j++, n++)
                    {
                        rows[n] = (bh * mergeSize) + i;
                        columns[n] = (bw * mergeSize) + j;
                    }
                }
            }
        }

        return (rows, columns);
    }

    /// <summary>Activation buffers reused across calls; they grow to the largest image batch seen.</summary>
    private sealed class Buffers
    {
        public float[] Pixels = [];   // patch rows in window order, [P, C·T·p·p]
        public float[] X = [];        // residual stream, [P, Dv]
        public float[] Hidden = [];   // h = rmsnorm(x), [P, Dv]
        public float[] Qkv = [];      // [P, 3·Dv]
        public float[] Context = [];  // attention output, [P, Dv]
        public float[] Delta = [];    // proj or MLP output to add to x, [P, Dv]
        public float[] Gate = [];     // [P, Fv]
        public float[] Up = [];       // [P, Fv]
        public float[] Merged = [];   // merger hidden, [P / 4, 4·Dv]
        public float[] Cos = [];      // [P, hd / 2]
        public float[] Sin = [];      // [P, hd / 2]
        public AttentionWorkspace Attention = new();

        public void Ensure(int patches, int inDim, int dv, int fv, int hd)
        {
            if (X.Length >= patches * dv)
            {
                return;
            }

            // Drop the old buffers first so a collection during the new allocations can reclaim them.
            (Pixels, X, Hidden, Qkv, Context, Delta, Gate, Up, Merged, Cos, Sin) = ([], [], [], [], [], [], [], [], [], [], []);
            Pixels = new float[patches * inDim];
            X = new float[patches * dv];
            Hidden = new float[patches * dv];
            Qkv = new float[patches * 3 * dv];
            Context = new float[patches * dv];
            Delta = new float[patches * dv];
            Gate = new float[patches * fv];
            Up = new float[patches * fv];
            Merged = new float[patches * dv];
            Cos = new float[patches * hd / 2];
            Sin = new float[patches * hd / 2];
        }
    }
}
