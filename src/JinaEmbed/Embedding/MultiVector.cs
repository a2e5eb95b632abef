// The late-interaction embedding of one item (jina-embeddings-v4 spec §8.2): one vector per token, [Count, Dimensions].
namespace JinaEmbed.Embedding;

/// <summary>One vector per token of an item, stored row-major in one array.</summary>
public sealed class MultiVector
{
    /// <summary>Wraps <paramref name="values"/> [count, dimensions], row-major (the array is kept, not copied).</summary>
    /// <exception cref="ArgumentException">The length is not a multiple of <paramref name="dimensions"/>.</exception>
    public MultiVector(float[] values, int dimensions)
    {
        ArgumentNullException.ThrowIfNull(values);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(dimensions);
        if (values.Length % dimensions != 0)
        {
            throw new ArgumentException($"{values.Length} values do not form rows of {dimensions}.", nameof(values));
        }

        Values = values;
        Dimensions = dimensions;
    }

    /// <summary>Width of one token's vector (128 for jina-embeddings-v4).</summary>
    public int Dimensions { get; }

    /// <summary>Number of token vectors.</summary>
    public int Count => Values.Length / Dimensions;

    /// <summary>All vectors, [Count, Dimensions] row-major.</summary>
    public float[] Values { get; }

    /// <summary>The vector of token <paramref name="index"/>.</summary>
    public ReadOnlySpan<float> this[int index]
    {
        get
        {
            if ((uint)index >= (uint)Count)
            {
                throw new ArgumentOutOfRangeException(nameof(index));
            }

            return Values.AsSpan(index * Dimensions, Dimensions);
        }
    }

    /// <summary>The vectors as separate arrays (a copy).</summary>
    public float[][] ToArrays()
    {
        var rows = new float[Count][];
        for (int i = 0; i < rows.Length; i++)
        {
            rows[i] = this[i].ToArray();
        }

        return rows;
    }
}
