// The jina-embeddings-v3 encoder forward pass on a packed batch (spec §3.8): embeddings with per-row LoRA, embedding
// LayerNorm, then per layer fused Wqkv → NeoX RoPE → attention within each sequence → out_proj → LN1 → fc1 → GELU → fc2 → LN2.
using JinaEmbed.Checkpoints;
using JinaEmbed.Compute;

namespace JinaEmbed.Models;

/// <summary>The XLM-RoBERTa + RoPE encoder with stacked task adapters, running fp32 activations.</summary>
public sealed class JinaV3Model : IEncoderModel
{
    private readonly JinaV3Weights _weights;
    private readonly RotaryEmbedding _rotary;
    private EncoderBlock.Buffers? _spare;

    /// <summary>Wraps loaded weights; <paramref name="context"/> decides the threads the kernels use.</summary>
    public JinaV3Model(JinaV3Weights weights, ComputeContext? context = null)
    {
        _weights = weights ?? throw new ArgumentNullException(nameof(weights));
        Context = context ?? new ComputeContext();
        var c = weights.Config;
        _rotary = new RotaryEmbedding(c.HeadDimension, c.RotaryEmbBase, c.MaxPositionEmbeddings);
    }

    /// <summary>The configuration.</summary>
    public JinaV3Config Config => _weights.Config;

    /// <summary>The weights.</summary>
    public JinaV3Weights Weights => _weights;

    /// <summary>Threads and ISA tier of the kernels.</summary>
    public ComputeContext Context { get; }

    /// <inheritdoc/>
    public int HiddenSize => Config.HiddenSize;

    /// <inheritdoc/>
    public int MaxSequenceLength => Config.MaxPositionEmbeddings;

    /// <inheritdoc/>
    public int AdapterCount => _weights.AdapterCount;

    /// <summary>Loads config.json and model.safetensors from a model folder.</summary>
    /// <exception cref="CheckpointException">A file is missing or malformed, or a tensor is missing or misshapen.</exception>
    public static JinaV3Model Load(string directory, ComputeContext? context = null, Precision precision = Precision.Exact)
    {
        ArgumentNullException.ThrowIfNull(directory);
        var config = JinaV3Config.Load(Path.Combine(directory, "config.json"));
        string weightsPath = Path.Combine(directory, "model.safetensors");
        if (!File.Exists(weightsPath))
        {
            throw new CheckpointException($"Checkpoint {weightsPath} does not exist.");
        }

        return Load(config, weightsPath, context, precision);
    }

    /// <summary>Loads a checkpoint file with a given configuration.</summary>
    public static JinaV3Model Load(JinaV3Config config, string safetensorsPath, ComputeContext? context = null, Precision precision = Precision.Exact)
    {
        var file = SafetensorsFile.Open(safetensorsPath);
        try
        {
            return new JinaV3Model(JinaV3Weights.Load(file, config, precision), context);
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    /// <inheritdoc/>
    public float[] Forward(EncoderBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        Validate(batch);
        var c = Config;
        var ids = batch.TokenIds;
        var adapters = batch.Adapters;

        // Embeddings: word row (+ row-wise LoRA) + token-type row 0 of the sequence's adapter, then emb_ln and the layers.
        return EncoderBlock.ForwardStack(
            batch,
            (t, seq, row) => _weights.EmbedToken(ids[t], adapters[seq], row),
            _weights.EmbeddingLayerNormWeight,
            _weights.EmbeddingLayerNormBias,
            _weights.Layers,
            c.NumAttentionHeads,
            c.LayerNormEps,
            _rotary,
            batch.AdapterRuns(),
            c.LoraScale,
            ref _spare,
            Context);
    }

    /// <summary>Unmaps the checkpoint.</summary>
    public void Dispose() => _weights.Dispose();

    private void Validate(EncoderBatch batch)
    {
        var c = Config;
        for (int seq = 0; seq < batch.SequenceCount; seq++)
        {
            int length = batch.SequenceStarts[seq + 1] - batch.SequenceStarts[seq];
            if (length > c.MaxPositionEmbeddings)
            {
                throw new ArgumentException($"Sequence {seq} has {length} tokens; the maximum is {c.MaxPositionEmbeddings}.", nameof(batch));
            }

            int adapter = batch.Adapters[seq];
            if (adapter < -1 || adapter >= AdapterCount)
            {
                throw new ArgumentException($"Sequence {seq} has adapter {adapter}; valid are -1 (none) and 0..{AdapterCount - 1}.", nameof(batch));
            }
        }

        foreach (int id in batch.TokenIds)
        {
            if ((uint)id >= (uint)c.VocabSize)
            {
                throw new ArgumentException($"Token id {id} is outside the vocabulary (0..{c.VocabSize - 1}).", nameof(batch));
            }
        }
    }
}
