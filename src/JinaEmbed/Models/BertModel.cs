// The BERT encoder forward pass on a packed batch: word + token-type + absolute position embeddings, embedding
// LayerNorm, then the shared post-LN block (EncoderBlock) per layer without RoPE. Token types are 0 (single sequences).
using JinaEmbed.Checkpoints;
using JinaEmbed.Compute;

namespace JinaEmbed.Models;

/// <summary>A BERT-family encoder (model_type "bert") running fp32 activations; it has no task adapters.</summary>
public sealed class BertModel : IEncoderModel
{
    private static readonly List<(int Start, int Count, int Adapter)> NoAdapters = [];
    private readonly BertWeights _weights;
    private EncoderBlock.Buffers? _spare;

    /// <summary>
    /// Wraps loaded weights. <paramref name="maxSequenceLength"/> caps the sequence length below the position table
    /// (sentence-transformers' max_seq_length); null allows the whole table.
    /// </summary>
    public BertModel(BertWeights weights, ComputeContext? context = null, int? maxSequenceLength = null)
    {
        _weights = weights ?? throw new ArgumentNullException(nameof(weights));
        Context = context ?? new ComputeContext();
        int table = weights.Config.MaxPositionEmbeddings;
        if (maxSequenceLength is < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(maxSequenceLength), maxSequenceLength, "must be positive");
        }

        MaxSequenceLength = SequenceLimit(table, maxSequenceLength);
    }

    /// <summary>
    /// Tokens per sequence, [CLS] and [SEP] included: sentence-transformers' <c>max_seq_length</c> when given, never
    /// more than the position table (<c>max_position_embeddings</c>).
    /// </summary>
    public static int SequenceLimit(int positionTable, int? maxSequenceLength) => Math.Min(maxSequenceLength ?? positionTable, positionTable);

    /// <summary>The configuration.</summary>
    public BertConfig Config => _weights.Config;

    /// <summary>The weights.</summary>
    public BertWeights Weights => _weights;

    /// <summary>Threads and ISA tier of the kernels.</summary>
    public ComputeContext Context { get; }

    /// <inheritdoc/>
    public int HiddenSize => Config.HiddenSize;

    /// <inheritdoc/>
    public int MaxSequenceLength { get; }

    /// <inheritdoc/>
    public int AdapterCount => 0;

    /// <summary>Loads config.json and model.safetensors from a model folder.</summary>
    /// <exception cref="CheckpointException">A file is missing or malformed, or a tensor is missing or misshapen.</exception>
    public static BertModel Load(string directory, ComputeContext? context = null, int? maxSequenceLength = null, Precision precision = Precision.Exact)
    {
        ArgumentNullException.ThrowIfNull(directory);
        var config = BertConfig.Load(Path.Combine(directory, "config.json"));
        string weightsPath = Path.Combine(directory, "model.safetensors");
        if (!File.Exists(weightsPath))
        {
            throw new CheckpointException($"Checkpoint {weightsPath} does not exist.");
        }

        var file = SafetensorsFile.Open(weightsPath);
        try
        {
            return new BertModel(BertWeights.Load(file, config, precision), context, maxSequenceLength);
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
        var starts = batch.SequenceStarts;

        // Positions restart at 0 in every sequence of the packed batch; token type 0.
        return EncoderBlock.ForwardStack(
            batch,
            (t, seq, row) => _weights.EmbedToken(ids[t], t - starts[seq], 0, row),
            _weights.EmbeddingLayerNormWeight,
            _weights.EmbeddingLayerNormBias,
            _weights.Layers,
            c.NumAttentionHeads,
            c.LayerNormEps,
            null,
            NoAdapters,
            0f,
            ref _spare,
            Context);
    }

    /// <summary>Unmaps the checkpoint.</summary>
    public void Dispose() => _weights.Dispose();

    private void Validate(EncoderBatch batch)
    {
        for (int seq = 0; seq < batch.SequenceCount; seq++)
        {
            int length = batch.SequenceStarts[seq + 1] - batch.SequenceStarts[seq];
            if (length > MaxSequenceLength)
            {
                throw new ArgumentException($"Sequence {seq} has {length} tokens; the maximum is {MaxSequenceLength}.", nameof(batch));
            }

            if (batch.Adapters[seq] != -1)
            {
                throw new ArgumentException($"Sequence {seq} asks for adapter {batch.Adapters[seq]}, but a BERT model has no task adapters.", nameof(batch));
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
}
