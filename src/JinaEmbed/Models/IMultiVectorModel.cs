// What late-interaction outputs need from a model that has a multi-vector head (jina-embeddings-v4 spec §8.2).
namespace JinaEmbed.Models;

/// <summary>A model that projects each token state to a multi-vector (late-interaction) embedding.</summary>
public interface IMultiVectorModel
{
    /// <summary>Width of one token's multi-vector (128 for jina-embeddings-v4).</summary>
    int MultiVectorSize { get; }

    /// <summary>
    /// Projects <paramref name="rows"/> token states [rows, hidden] of one sequence run with <paramref name="adapter"/>
    /// to [rows, MultiVectorSize], row-major, not normalised.
    /// </summary>
    float[] ProjectMultiVectors(ReadOnlySpan<float> states, int rows, int adapter);
}
