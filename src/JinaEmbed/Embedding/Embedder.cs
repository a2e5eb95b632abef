// The library's entry point: owns the tokenizer and model of one model folder and turns texts into vectors.
// (Contract stub: issue #3 implements loading and the synchronous path; issue #5 the scheduled async path.)
using JinaEmbed.Models;
using JinaEmbed.Tokenization;

namespace JinaEmbed.Embedding;

/// <summary>Embeds texts with one loaded model. Thread-safe.</summary>
public sealed partial class Embedder : IDisposable
{
    /// <summary>Loads a model folder (config.json, model.safetensors, tokenizer.json).</summary>
    public static Embedder Load(string modelDirectory, EmbedderOptions? options = null) => throw new NotImplementedException("issue #3");

    /// <summary>The tokenizer.</summary>
    public Tokenizer Tokenizer => throw new NotImplementedException("issue #3");

    /// <summary>The encoder.</summary>
    public IEncoderModel Model => throw new NotImplementedException("issue #3");

    /// <summary>Embeds texts; one vector per text, in order.</summary>
    public float[][] Embed(IReadOnlyList<string> texts, EmbedOptions? options = null) => throw new NotImplementedException("issue #3");

    /// <summary>Embeds pre-tokenized inputs (no prompt, no special tokens added).</summary>
    public float[][] EmbedTokenIds(IReadOnlyList<int[]> tokenIds, EmbedOptions? options = null) => throw new NotImplementedException("issue #3");

    public void Dispose()
    {
    }
}
