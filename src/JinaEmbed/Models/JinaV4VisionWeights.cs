// The vision tower's tensors (spec §3.4, visual.*): patch embedding, 32 blocks, merger. No LoRA touches them (spec §1.1).
// Matrices are packed once for the GEMM (BF16 stays BF16); read from the already-opened base checkpoint the first time an
// image is embedded, so text-only use never holds the tower's 1.34 GB (spec §12.3).
using JinaEmbed.Checkpoints;
using JinaEmbed.Compute;

namespace JinaEmbed.Models;

/// <summary>One vision block: RMSNorms, fused qkv and proj with biases, SwiGLU MLP with biases.</summary>
internal sealed class JinaV4VisionBlock
{
    /// <summary>norm1, [Dv].</summary>
    public required float[] Norm1 { get; init; }

    /// <summary>attn.qkv [3·Dv, Dv]: rows q, then k, then v, heads contiguous.</summary>
    public required WeightMatrix Qkv { get; init; }

    /// <summary>attn.qkv.bias, [3·Dv].</summary>
    public required float[] QkvBias { get; init; }

    /// <summary>attn.proj [Dv, Dv].</summary>
    public required WeightMatrix Proj { get; init; }

    /// <summary>attn.proj.bias, [Dv].</summary>
    public required float[] ProjBias { get; init; }

    /// <summary>norm2, [Dv].</summary>
    public required float[] Norm2 { get; init; }

    /// <summary>mlp.gate_proj [Fv, Dv].</summary>
    public required WeightMatrix Gate { get; init; }

    /// <summary>mlp.gate_proj.bias, [Fv].</summary>
    public required float[] GateBias { get; init; }

    /// <summary>mlp.up_proj [Fv, Dv].</summary>
    public required WeightMatrix Up { get; init; }

    /// <summary>mlp.up_proj.bias, [Fv].</summary>
    public required float[] UpBias { get; init; }

    /// <summary>mlp.down_proj [Dv, Fv].</summary>
    public required WeightMatrix Down { get; init; }

    /// <summary>mlp.down_proj.bias, [Dv].</summary>
    public required float[] DownBias { get; init; }
}

/// <summary>All weights of the Qwen2.5-VL vision tower of jina-embeddings-v4.</summary>
internal sealed class JinaV4VisionWeights
{
    /// <summary>Prefix of every vision tensor (old layout; the newer model.visual.* is mapped onto it when opened).</summary>
    public const string Prefix = "visual.";

    /// <summary>patch_embed.proj [Dv, C, T, P, P] as a [Dv, C·T·P·P] matrix (flatten order = the patch features of spec §7.5).</summary>
    public required WeightMatrix PatchEmbedding { get; init; }

    /// <summary>The blocks in order.</summary>
    public required JinaV4VisionBlock[] Blocks { get; init; }

    /// <summary>merger.ln_q, [Dv].</summary>
    public required float[] MergerNorm { get; init; }

    /// <summary>merger.mlp.0 [4·Dv, 4·Dv].</summary>
    public required WeightMatrix MergerHidden { get; init; }

    /// <summary>merger.mlp.0.bias, [4·Dv].</summary>
    public required float[] MergerHiddenBias { get; init; }

    /// <summary>merger.mlp.2 [D, 4·Dv].</summary>
    public required WeightMatrix MergerOut { get; init; }

    /// <summary>merger.mlp.2.bias, [D].</summary>
    public required float[] MergerOutBias { get; init; }

    /// <summary>Bytes held in memory (packed matrices, norms, biases).</summary>
    public long ResidentBytes { get; private init; }

    /// <summary>Reads and packs every visual.* tensor (their names and shapes were checked when the checkpoint was opened).</summary>
    public static JinaV4VisionWeights Load(ShardedCheckpoint checkpoint, JinaV4VisionConfig config, Precision precision = Precision.Exact)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        ArgumentNullException.ThrowIfNull(config);
        long resident = 0;
        var scratch = new ReadScratch(precision);
        float[] Vector(string name)
        {
            var (file, tensor) = checkpoint.Get(Prefix + name);
            var values = file.ReadFloat32(tensor);
            resident += values.Length * sizeof(float);
            return values;
        }

        // Int8: every matrix but the MLP's gate/up takes two-pass (≈ 15-bit) activations, as in the language model —
        // on the full-size synthetic v4 image vectors' min cosine to the exact path went 0.9972 → 0.9982 at no measurable
        // cost; gate/up as well reached 0.9983 for +25 % image time (docs/int8.md).
        WeightMatrix Matrix(string name, bool residualActivations = true)
        {
            var (file, tensor) = checkpoint.Get(Prefix + name);
            var matrix = tensor.Shape.Length == 2 ? scratch.Matrix(file, tensor) : scratch.Matrix(file, tensor, tensor.Shape[0], (int)(tensor.ElementCount / tensor.Shape[0]));
            resident += matrix.ResidentBytes;
            return matrix.IsInt8 && residualActivations ? matrix.WithResidualActivations() : matrix;
        }

        var blocks = new JinaV4VisionBlock[config.Depth];
        for (int b = 0; b < blocks.Length; b++)
        {
            string p = $"blocks.{b}.";
            blocks[b] = new JinaV4VisionBlock
            {
                Norm1 = Vector(p + "norm1.weight"),
                Qkv = Matrix(p + "attn.qkv.weight"),
                QkvBias = Vector(p + "attn.qkv.bias"),
                Proj = Matrix(p + "attn.proj.weight"),
                ProjBias = Vector(p + "attn.proj.bias"),
                Norm2 = Vector(p + "norm2.weight"),
                Gate = Matrix(p + "mlp.gate_proj.weight", residualActivations: false),
                GateBias = Vector(p + "mlp.gate_proj.bias"),
                Up = Matrix(p + "mlp.up_proj.weight", residualActivations: false),
                UpBias = Vector(p + "mlp.up_proj.bias"),
                Down = Matrix(p + "mlp.down_proj.weight"),
                DownBias = Vector(p + "mlp.down_proj.bias"),
            };
        }

        return new JinaV4VisionWeights
        {
            PatchEmbedding = Matrix("patch_embed.proj.weight"),
            Blocks = blocks,
            MergerNorm = Vector("merger.ln_q.weight"),
            MergerHidden = Matrix("merger.mlp.0.weight"),
            MergerHiddenBias = Vector("merger.mlp.0.bias"),
            MergerOut = Matrix("merger.mlp.2.weight"),
            MergerOutBias = Vector("merger.mlp.2.bias"),
            ResidentBytes = resident,
        };
    }
}
