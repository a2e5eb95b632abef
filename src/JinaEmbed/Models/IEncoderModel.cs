// What the embedding pipeline needs from an architecture: packed batch in, token states out.
namespace JinaEmbed.Models;

/// <summary>An encoder whose forward pass maps a packed batch to final hidden states.</summary>
public interface IEncoderModel : IDisposable
{
    /// <summary>Width of a token state.</summary>
    int HiddenSize { get; }

    /// <summary>Most tokens one sequence may have, specials included.</summary>
    int MaxSequenceLength { get; }

    /// <summary>Number of task adapters (0 for a model without adapters).</summary>
    int AdapterCount { get; }

    /// <summary>Runs the encoder; returns token states [batch.TokenCount, HiddenSize], row-major.</summary>
    float[] Forward(EncoderBatch batch);
}
