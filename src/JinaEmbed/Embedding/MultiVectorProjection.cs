// Token states → multi-vectors (jina-embeddings-v4 spec §8.2): the model's projector with the sequence's task LoRA, then
// per-token L2 normalisation unless the caller asked for raw projector outputs.
using JinaEmbed.Compute;
using JinaEmbed.Models;

namespace JinaEmbed.Embedding;

/// <summary>Projects token states of sequences run with one adapter to multi-vectors.</summary>
internal sealed class MultiVectorProjection(IMultiVectorModel model, int adapter, bool normalize)
{
    /// <summary>Width of one token's vector.</summary>
    public int Dimensions => model.MultiVectorSize;

    /// <summary>The multi-vector of <paramref name="rows"/> token states [rows, hidden].</summary>
    public MultiVector Project(ReadOnlySpan<float> states, int rows)
    {
        var values = model.ProjectMultiVectors(states, rows, adapter);
        if (normalize)
        {
            int width = Dimensions;
            for (int r = 0; r < rows; r++)
            {
                var row = values.AsSpan(r * width, width);
                float norm = MathF.Sqrt(LowRank.Dot(row, row));
                float denominator = Math.Max(norm, 1e-12f);
                for (int i = 0; i < width; i++)
                {
                    row[i] /= denominator;
                }
            }
        }

        return new MultiVector(values, Dimensions);
    }
}
