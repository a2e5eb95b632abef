// All tensors of a jina-embeddings-v3 checkpoint, under their verbatim safetensors names (spec §1.5).
// Linear weights are packed once for the GEMM (BF16 stays BF16); the 250002-row word table stays in the
// memory map in its file dtype and only looked-up rows are widened (spec §4.3).
using System.Runtime.InteropServices;
using JinaEmbed.Checkpoints;
using JinaEmbed.Compute;

namespace JinaEmbed.Models;

/// <summary>The loaded weights of one checkpoint; owns the memory-mapped file.</summary>
public sealed class JinaV3Weights : IDisposable
{
    /// <summary>Word embedding table name.</summary>
    public const string WordEmbeddings = "roberta.embeddings.word_embeddings";

    /// <summary>Token-type embedding table name.</summary>
    public const string TokenTypeEmbeddings = "roberta.embeddings.token_type_embeddings";

    /// <summary>Embedding LayerNorm name.</summary>
    public const string EmbeddingLayerNorm = "roberta.emb_ln";

    /// <summary>Suffix of a parametrized module's frozen base weight.</summary>
    public const string Original = ".parametrizations.weight.original";

    /// <summary>Suffix of a parametrized module's stacked lora_A.</summary>
    public const string LoraA = ".parametrizations.weight.0.lora_A";

    /// <summary>Suffix of a parametrized module's stacked lora_B.</summary>
    public const string LoraB = ".parametrizations.weight.0.lora_B";

    private readonly SafetensorsFile _file;
    private readonly SafetensorsTensor _wordTable;
    private readonly SafetensorsTensor? _wordLoraA;
    private readonly float[] _wordLoraB;

    private JinaV3Weights(JinaV3Config config, SafetensorsFile file, SafetensorsTensor wordTable, SafetensorsTensor? wordLoraA, float[] wordLoraB, float[] typeRows, float[] embLnWeight, float[] embLnBias, JinaV3Layer[] layers)
    {
        Config = config;
        _file = file;
        _wordTable = wordTable;
        _wordLoraA = wordLoraA;
        _wordLoraB = wordLoraB;
        TypeRows = typeRows;
        EmbeddingLayerNormWeight = embLnWeight;
        EmbeddingLayerNormBias = embLnBias;
        Layers = layers;
    }

    /// <summary>The configuration the shapes were checked against.</summary>
    public JinaV3Config Config { get; }

    /// <summary>Element type of the file's tensors (of the word table).</summary>
    public TensorDataType DataType => _wordTable.DataType;

    /// <summary>Number of task adapters.</summary>
    public int AdapterCount => Config.LoraAdaptations.Count;

    /// <summary>Bytes held outside the memory map (packed linear weights and small fp32 tensors).</summary>
    public long ResidentBytes { get; private init; }

    /// <summary>Token-type row 0 merged with each task's delta: [(AdapterCount + 1), H], row 0 = base.</summary>
    internal float[] TypeRows { get; }

    internal float[] EmbeddingLayerNormWeight { get; }

    internal float[] EmbeddingLayerNormBias { get; }

    internal JinaV3Layer[] Layers { get; }

    /// <summary>Loads and checks every tensor the forward pass needs from an opened checkpoint (which it then owns).</summary>
    /// <exception cref="CheckpointException">A tensor is missing or has the wrong shape.</exception>
    public static JinaV3Weights Load(SafetensorsFile file, JinaV3Config config, Precision precision = Precision.Exact)
    {
        ArgumentNullException.ThrowIfNull(file);
        ArgumentNullException.ThrowIfNull(config);
        int h = config.HiddenSize, f = config.IntermediateSize, v = config.VocabSize, tasks = config.LoraAdaptations.Count, r = config.LoraRank;
        int tv = config.TypeVocabSize;

        // Check every name and shape before reading anything, so a bad file fails fast and completely.
        var expected = new List<(string Name, int[] Shape)>
        {
            (WordEmbeddings + Original, [v, h]),
            (TokenTypeEmbeddings + Original, [tv, h]),
            (EmbeddingLayerNorm + ".weight", [h]),
            (EmbeddingLayerNorm + ".bias", [h]),
        };
        if (tasks > 0)
        {
            expected.Add((WordEmbeddings + LoraA, [tasks, v, r]));
            expected.Add((WordEmbeddings + LoraB, [tasks, r, h]));
            expected.Add((TokenTypeEmbeddings + LoraA, [tasks, tv, r]));
            expected.Add((TokenTypeEmbeddings + LoraB, [tasks, r, h]));
        }

        for (int l = 0; l < config.NumHiddenLayers; l++)
        {
            string p = LayerPrefix(l);
            AddLinear(expected, p + "mixer.Wqkv", 3 * h, h, tasks, r);
            AddLinear(expected, p + "mixer.out_proj", h, h, tasks, r);
            AddLinear(expected, p + "mlp.fc1", f, h, tasks, r);
            AddLinear(expected, p + "mlp.fc2", h, f, tasks, r);
            foreach (var norm in new[] { "norm1", "norm2" })
            {
                expected.Add((p + norm + ".weight", [h]));
                expected.Add((p + norm + ".bias", [h]));
            }
        }

        foreach (var (name, shape) in expected)
        {
            file.Get(name, shape);
        }

        long resident = 0;
        float[] Small(string name)
        {
            var values = file.ReadFloat32(file.Get(name));
            resident += values.Length * sizeof(float);
            return values;
        }

        var wordTable = file.Get(WordEmbeddings + Original);
        SafetensorsTensor? wordLoraA = tasks > 0 ? file.Get(WordEmbeddings + LoraA) : null;
        float[] wordLoraB = tasks > 0 ? Small(WordEmbeddings + LoraB) : [];

        // Token type 0 with each task's delta, merged once: row a + 1 is task a, row 0 the base.
        var typeBase = Small(TokenTypeEmbeddings + Original);
        var typeRows = new float[(tasks + 1) * h];
        typeBase.AsSpan(0, h).CopyTo(typeRows);
        if (tasks > 0)
        {
            var typeA = Small(TokenTypeEmbeddings + LoraA);
            var typeB = Small(TokenTypeEmbeddings + LoraB);
            for (int t = 0; t < tasks; t++)
            {
                var row = typeRows.AsSpan((t + 1) * h, h);
                typeBase.AsSpan(0, h).CopyTo(row);
                var delta = new float[h];
                for (int k = 0; k < r; k++)
                {
                    LowRank.Axpy(typeA[(t * tv * r) + k], typeB.AsSpan(((t * r) + k) * h, h), delta);
                }

                for (int i = 0; i < h; i++)
                {
                    row[i] += config.LoraScale * delta[i];
                }
            }
        }

        var scratch = new ReadScratch(precision);
        var layers = new JinaV3Layer[config.NumHiddenLayers];
        for (int l = 0; l < layers.Length; l++)
        {
            string p = LayerPrefix(l);
            layers[l] = new JinaV3Layer
            {
                Wqkv = LoadLinear(file, p + "mixer.Wqkv", tasks, r, scratch, ref resident),
                OutProj = LoadLinear(file, p + "mixer.out_proj", tasks, r, scratch, ref resident),
                Norm1Weight = Small(p + "norm1.weight"),
                Norm1Bias = Small(p + "norm1.bias"),
                Fc1 = LoadLinear(file, p + "mlp.fc1", tasks, r, scratch, ref resident),
                Fc2 = LoadLinear(file, p + "mlp.fc2", tasks, r, scratch, ref resident),
                Norm2Weight = Small(p + "norm2.weight"),
                Norm2Bias = Small(p + "norm2.bias"),
            };
        }

        return new JinaV3Weights(config, file, wordTable, wordLoraA, wordLoraB, typeRows, Small(EmbeddingLayerNorm + ".weight"), Small(EmbeddingLayerNorm + ".bias"), layers)
        {
            ResidentBytes = resident,
        };
    }

    /// <summary>
    /// Writes the embedding of token <paramref name="id"/> under <paramref name="adapter"/> (−1 = base) into
    /// <paramref name="destination"/>: word row + scale·(lora_A[t][id]·lora_B[t]) + merged token-type row.
    /// </summary>
    internal void EmbedToken(int id, int adapter, Span<float> destination)
    {
        int h = Config.HiddenSize, r = Config.LoraRank;
        _file.ReadFloat32(_wordTable, (long)id * h, destination);
        if (adapter >= 0)
        {
            Span<float> a = stackalloc float[r];
            _file.CopyFloat32(_wordLoraA!, (((long)adapter * Config.VocabSize) + id) * r, a);
            Span<float> delta = stackalloc float[h];
            delta.Clear();
            for (int k = 0; k < r; k++)
            {
                LowRank.Axpy(a[k], _wordLoraB.AsSpan(((adapter * r) + k) * h, h), delta);
            }

            for (int i = 0; i < h; i++)
            {
                destination[i] += Config.LoraScale * delta[i];
            }
        }

        var type = TypeRows.AsSpan((adapter + 1) * h, h);
        for (int i = 0; i < h; i++)
        {
            destination[i] += type[i];
        }
    }

    /// <summary>Unmaps the checkpoint.</summary>
    public void Dispose() => _file.Dispose();

    private static string LayerPrefix(int layer) => $"roberta.encoder.layers.{layer}.";

    private static void AddLinear(List<(string, int[])> expected, string module, int outDim, int inDim, int tasks, int rank)
    {
        expected.Add((module + Original, [outDim, inDim]));
        expected.Add((module + ".bias", [outDim]));
        if (tasks > 0)
        {
            expected.Add((module + LoraA, [tasks, rank, inDim]));
            expected.Add((module + LoraB, [tasks, outDim, rank]));
        }
    }

    private static LoraLinear LoadLinear(SafetensorsFile file, string module, int tasks, int rank, ReadScratch scratch, ref long resident)
    {
        var tensor = file.Get(module + Original);
        int outDim = tensor.Shape[0], inDim = tensor.Shape[1];
        var weight = scratch.Matrix(file, tensor);

        var bias = file.ReadFloat32(file.Get(module + ".bias"));
        float[] a = [], b = [];
        if (tasks > 0)
        {
            a = file.ReadFloat32(file.Get(module + LoraA));
            b = file.ReadFloat32(file.Get(module + LoraB));
        }

        var linear = new LoraLinear(weight, bias, a, b, tasks, rank);
        resident += linear.ResidentBytes;
        return linear;
    }
}
