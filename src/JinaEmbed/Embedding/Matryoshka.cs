// Matryoshka truncation then optional L2 normalisation (spec §6.1 steps 5–6): keep the first d values, divide by max(‖x‖, 1e-12).
namespace JinaEmbed.Embedding;

/// <summary>Truncation to a Matryoshka size and L2 normalisation.</summary>
public static class Matryoshka
{
    /// <summary>Checks a requested size against the hidden width; null means all dimensions.</summary>
    /// <exception cref="EmbeddingException">Outside 1..<paramref name="hiddenSize"/> (InvalidDimensions).</exception>
    public static int Resolve(int? dimensions, int hiddenSize)
    {
        if (dimensions is null)
        {
            return hiddenSize;
        }

        if (dimensions < 1 || dimensions > hiddenSize)
        {
            throw new EmbeddingException(EmbeddingErrorKind.InvalidDimensions, $"dimensions must be between 1 and {hiddenSize}, got {dimensions}.", "dimensions");
        }

        return dimensions.Value;
    }

    /// <summary>Returns the first <paramref name="dimensions"/> values of <paramref name="pooled"/>, L2-normalised if asked.</summary>
    public static float[] Apply(ReadOnlySpan<float> pooled, int dimensions, bool normalize)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(dimensions);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(dimensions, pooled.Length);
        var result = pooled[..dimensions].ToArray();
        if (normalize)
        {
            double squares = 0;
            foreach (float v in result)
            {
                squares += (double)v * v;
            }

            double norm = Math.Max(Math.Sqrt(squares), 1e-12);
            for (int i = 0; i < result.Length; i++)
            {
                result[i] = (float)(result[i] / norm);
            }
        }

        return result;
    }
}
