// The fuzz targets: each takes arbitrary bytes and returns normally when the code under test either accepted them or
// refused them with its documented error (ApiException 4xx, CheckpointException, TokenizerLoadException,
// InvalidDataException). Any other exception escapes, and afl-fuzz records the input as a crash.
using System.Text;
using JinaEmbed.Checkpoints;
using JinaEmbed.Images;
using JinaEmbed.Server;
using JinaEmbed.Server.Contracts;
using JinaEmbed.Server.Endpoints;
using JinaEmbed.Tokenization;

namespace JinaEmbed.Fuzz;

/// <summary>Fuzz targets by name (the first command-line argument).</summary>
public static class FuzzTargets
{
    private static readonly Lazy<string> Scratch = new(() =>
    {
        var path = Path.Combine(Path.GetTempPath(), $"jinaembed-fuzz-{Environment.ProcessId}");
        Directory.CreateDirectory(path);
        return path;
    });

    /// <summary>Target names, in the order fuzz.sh runs them.</summary>
    public static IReadOnlyList<string> Names { get; } = ["request", "tokenizer", "safetensors", "config"];

    /// <summary>Runs target <paramref name="name"/> on one input.</summary>
    public static void Run(string name, byte[] input)
    {
        switch (name)
        {
            case "request":
                Request(input);
                break;
            case "tokenizer":
                TokenizerJson(input);
                break;
            case "safetensors":
                Safetensors(input);
                break;
            case "config":
                Configs(input);
                break;
            default:
                throw new ArgumentException($"unknown fuzz target '{name}'; targets: {string.Join(", ", Names)}", nameof(name));
        }
    }

    /// <summary>
    /// A /v1/embeddings body through the server's parser and mapping, against the v3 and v4 shapes; the same body as a
    /// /tokenize body. A refusal must be a 4xx ApiException (the contract's error body); anything else is a crash.
    /// </summary>
    private static void Request(byte[] body)
    {
        var options = new ServerOptions { MaxItemsPerRequest = 64 };
        string[] names = ["tiny-jina-v3", "jinaai/jina-embeddings-v3"];
        foreach (var shape in new[] { ModelShape.JinaV3, ModelShape.JinaV4 })
        {
            Refusable(() =>
            {
                var wire = RequestMapping.Parse(body, ServerJsonContext.Default.EmbeddingsApiRequest);
                var mapped = RequestMapping.Map(wire, shape, options, names);
                if (mapped.Images.Count == 0)
                {
                    _ = mapped.TextRequest;
                }
            });
            Refusable(() =>
            {
                var wire = RequestMapping.Parse(body, ServerJsonContext.Default.TokenizeApiRequest);
                _ = TokenizeEndpoints.ReadTexts(wire.Input, options.MaxItemsPerRequest);
                if (wire.Task != null)
                {
                    _ = RequestMapping.ResolveTask(wire.Task, shape, options);
                }
            });
        }

        static void Refusable(Action action)
        {
            try
            {
                action();
            }
            catch (ApiException error) when (error.Status is >= 400 and < 500)
            {
            }
        }
    }

    /// <summary>tokenizer.json bytes through the loader; a tokenizer that loads must then encode and decode text.</summary>
    private static void TokenizerJson(byte[] json)
    {
        var path = Write("tokenizer.json", json);
        Tokenizer tokenizer;
        try
        {
            tokenizer = Tokenizer.FromFile(path);
        }
        catch (TokenizerLoadException)
        {
            return;
        }

        foreach (var text in new[] { "", "Hello world!", "  Grüße, 東京  ", "a\u0301 \U0001F600 <s> x" })
        {
            var encoding = tokenizer.Encode(text);
            _ = tokenizer.Decode(encoding.Ids);
            _ = tokenizer.EncodePair(text, "second", addSpecialTokens: true, maxLength: 8);
        }
    }

    /// <summary>A model.safetensors file: a header that opens must describe tensors that lie inside the file.</summary>
    private static void Safetensors(byte[] file)
    {
        var path = Write("model.safetensors", file);
        SafetensorsFile checkpoint;
        try
        {
            checkpoint = SafetensorsFile.Open(path);
        }
        catch (CheckpointException)
        {
            return;
        }

        using (checkpoint)
        {
            foreach (var tensor in checkpoint.Tensors.Values)
            {
                // Touch both ends of the mapped bytes and read through the file path too: both must stay in bounds.
                var bytes = checkpoint.Bytes(tensor);
                if (bytes.Length > 0)
                {
                    _ = bytes[0] ^ bytes[^1];
                }

                if (tensor.ElementCount is > 0 and <= 4096)
                {
                    _ = checkpoint.ReadFloat32(tensor);
                }
            }
        }
    }

    /// <summary>
    /// The same bytes as every config file a model folder has: config.json for v3, v4 and BERT, preprocessor_config.json,
    /// adapter_config.json and the sentence-transformers files (modules.json, 1_Pooling/config.json,
    /// config_sentence_transformers.json, sentence_bert_config.json).
    /// </summary>
    private static void Configs(byte[] json)
    {
        var text = Encoding.UTF8.GetString(json);
        Refusable(() => JinaV3Config.Parse(text));
        Refusable(() => JinaV4Config.Parse(text));
        Refusable(() => BertConfig.Parse(text));
        Refusable(() => ImagePreprocessorConfig.Parse(text));
        Refusable(() => PeftAdapterConfig.Load(Write("adapter_config.json", json)));
        foreach (var file in new[] { "modules.json", "config_sentence_transformers.json", "sentence_bert_config.json" })
        {
            Refusable(() => SentenceTransformersConfig.Load(Folder((file, json), ("1_Pooling/config.json", json))));
        }

        // The pooling config behind a valid modules.json.
        var modules = """[{"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"}, {"idx": 1, "name": "1", "path": "1_Pooling", "type": "sentence_transformers.models.Pooling"}]"""u8.ToArray();
        Refusable(() => SentenceTransformersConfig.Load(Folder(("modules.json", modules), ("1_Pooling/config.json", json))));

        static void Refusable(Action action)
        {
            try
            {
                action();
            }
            catch (Exception error) when (error is CheckpointException or InvalidDataException)
            {
            }
        }
    }

    private static string Write(string name, byte[] content)
    {
        var path = Path.Combine(Scratch.Value, name);
        File.WriteAllBytes(path, content);
        return path;
    }

    /// <summary>A fresh model folder holding just <paramref name="files"/>.</summary>
    private static string Folder(params (string Name, byte[] Content)[] files)
    {
        var folder = Path.Combine(Scratch.Value, "model");
        if (Directory.Exists(folder))
        {
            Directory.Delete(folder, recursive: true);
        }

        foreach (var (name, content) in files)
        {
            var path = Path.Combine(folder, name);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllBytes(path, content);
        }

        return folder;
    }
}
