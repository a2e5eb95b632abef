// All tensors of a Hugging Face BertModel checkpoint (names as transformers writes them, optionally under "bert.").
// q, k and v are fused at load into one packed [3H, H] matrix so BERT runs the same encoder block as jina-v3.
using JinaEmbed.Checkpoints;
using JinaEmbed.Compute;

namespace JinaEmbed.Models;

/// <summary>The loaded weights of one BERT checkpoint; owns the memory-mapped file.</summary>
public sealed class BertWeights : IDisposable
{
    private readonly SafetensorsFile _file;
    private readonly SafetensorsTensor _wordTable;

    private BertWeights(BertConfig config, SafetensorsFile file, SafetensorsTensor wordTable, float[] positions, float[] types, float[] lnWeight, float[] lnBias, JinaV3Layer[] layers, long resident)
    {
        Config = config;
        _file = file;
        _wordTable = wordTable;
        PositionRows = positions;
        TypeRows = types;
        EmbeddingLayerNormWeight = lnWeight;
        EmbeddingLayerNormBias = lnBias;
        Layers = layers;
        ResidentBytes = resident;
    }

    /// <summary>The configuration the shapes were checked against.</summary>
    public BertConfig Config { get; }

    /// <summary>Element type of the file's word table.</summary>
    public TensorDataType DataType => _wordTable.DataType;

    /// <summary>Bytes held outside the memory map (packed linear weights and small fp32 tensors).</summary>
    public long ResidentBytes { get; }

    /// <summary>Absolute position table [MaxPositionEmbeddings, H].</summary>
    internal float[] PositionRows { get; }

    /// <summary>Token-type table [TypeVocabSize, H].</summary>
    internal float[] TypeRows { get; }

    internal float[] EmbeddingLayerNormWeight { get; }

    internal float[] EmbeddingLayerNormBias { get; }

    internal JinaV3Layer[] Layers { get; }

    /// <summary>Loads and checks every tensor the forward pass needs from an opened checkpoint (which it then owns).</summary>
    /// <exception cref="CheckpointException">A tensor is missing or has the wrong shape.</exception>
    public static BertWeights Load(SafetensorsFile file, BertConfig config, Precision precision = Precision.Exact)
    {
        ArgumentNullException.ThrowIfNull(file);
        ArgumentNullException.ThrowIfNull(config);
        int h = config.HiddenSize, f = config.IntermediateSize;

        // BertFor* checkpoints keep the encoder under "bert."; BertModel exports have no prefix.
        string root = file.Tensors.ContainsKey("bert.embeddings.word_embeddings.weight") ? "bert." : "";
        var expected = new List<(string Name, int[] Shape)>
        {
            ("embeddings.word_embeddings.weight", [config.VocabSize, h]),
            ("embeddings.position_embeddings.weight", [config.MaxPositionEmbeddings, h]),
            ("embeddings.token_type_embeddings.weight", [config.TypeVocabSize, h]),
            ("embeddings.LayerNorm.weight", [h]),
            ("embeddings.LayerNorm.bias", [h]),
        };
        for (int l = 0; l < config.NumHiddenLayers; l++)
        {
            string p = $"encoder.layer.{l}.";
            foreach (var (module, outDim, inDim) in new[]
            {
                ("attention.self.query", h, h), ("attention.self.key", h, h), ("attention.self.value", h, h),
                ("attention.output.dense", h, h), ("intermediate.dense", f, h), ("output.dense", h, f),
            })
            {
                expected.Add((p + module + ".weight", [outDim, inDim]));
                expected.Add((p + module + ".bias", [outDim]));
            }

            foreach (var norm in new[] { "attention.output.LayerNorm", "output.LayerNorm" })
            {
                expected.Add((p + norm + ".weight", [h]));
                expected.Add((p + norm + ".bias", [h]));
            }
        }

        // Check every name and shape before reading anything, so a bad file fails fast and completely.
        foreach (var (name, shape) in expected)
        {
            file.Get(root + name, shape);
        }

        long resident = 0;
        float[] Small(string name)
        {
            var values = file.ReadFloat32(file.Get(root + name));
            resident += values.Length * sizeof(float);
            return values;
        }

        var packer = new ReadScratch(precision);
        LoraLinear Linear(float[] buffer, params string[] modules)
        {
            // Stacks the rows of several [out, in] weights (q, k, v → [3H, H]) and their biases.
            int inDim = file.Get(root + modules[0] + ".weight").Shape[1];
            int rows = 0;
            var biases = new List<float>();
            foreach (var module in modules)
            {
                var tensor = file.Get(root + module + ".weight");
                file.CopyFloat32(tensor, 0, buffer.AsSpan(rows * inDim, (int)tensor.ElementCount));
                rows += tensor.Shape[0];
                biases.AddRange(file.ReadFloat32(file.Get(root + module + ".bias")));
            }

            var weight = packer.Pack(buffer.AsSpan(0, rows * inDim), rows, inDim);
            resident += weight.ResidentBytes + (biases.Count * sizeof(float));
            return new LoraLinear(weight, biases.ToArray(), [], [], 0, 0);
        }

        var scratch = new float[Math.Max(3 * h * h, f * h)];
        var layers = new JinaV3Layer[config.NumHiddenLayers];
        for (int l = 0; l < layers.Length; l++)
        {
            string p = $"encoder.layer.{l}.";
            layers[l] = new JinaV3Layer
            {
                Wqkv = Linear(scratch, p + "attention.self.query", p + "attention.self.key", p + "attention.self.value"),
                OutProj = Linear(scratch, p + "attention.output.dense"),
                Norm1Weight = Small(p + "attention.output.LayerNorm.weight"),
                Norm1Bias = Small(p + "attention.output.LayerNorm.bias"),
                Fc1 = Linear(scratch, p + "intermediate.dense"),
                Fc2 = Linear(scratch, p + "output.dense"),
                Norm2Weight = Small(p + "output.LayerNorm.weight"),
                Norm2Bias = Small(p + "output.LayerNorm.bias"),
            };
        }

        return new BertWeights(
            config,
            file,
            file.Get(root + "embeddings.word_embeddings.weight"),
            Small("embeddings.position_embeddings.weight"),
            Small("embeddings.token_type_embeddings.weight"),
            Small("embeddings.LayerNorm.weight"),
            Small("embeddings.LayerNorm.bias"),
            layers,
            resident);
    }

    /// <summary>destination ← word[id] + tokenType[type] + position[position], summed in the order transformers uses.</summary>
    internal void EmbedToken(int id, int position, int type, Span<float> destination)
    {
        int h = Config.HiddenSize;
        _file.ReadFloat32(_wordTable, (long)id * h, destination);
        var pos = PositionRows.AsSpan(position * h, h);
        var typ = TypeRows.AsSpan(type * h, h);
        for (int i = 0; i < h; i++)
        {
            destination[i] = destination[i] + typ[i] + pos[i];
        }
    }

    /// <summary>Unmaps the checkpoint.</summary>
    public void Dispose() => _file.Dispose();
}
