// A linear layer's weight W [out, in] (PyTorch nn.Linear layout), held once for the model's lifetime.
// The storage layout is the GEMM's business: callers only see Rows (out) and Columns (in).
namespace JinaEmbed.Compute;

/// <summary>An immutable weight matrix W of shape [Rows = out, Columns = in], used as y = x·Wᵀ.</summary>
public sealed class WeightMatrix
{
    private readonly float[] _data;

    private WeightMatrix(float[] data, int rows, int columns)
    {
        _data = data;
        Rows = rows;
        Columns = columns;
    }

    /// <summary>Output features (rows of W).</summary>
    public int Rows { get; }

    /// <summary>Input features (columns of W).</summary>
    public int Columns { get; }

    /// <summary>Row-major fp32 values [Rows, Columns].</summary>
    internal ReadOnlySpan<float> Data => _data;

    /// <summary>Builds a matrix from row-major fp32 values [rows, columns]; the array is kept, not copied.</summary>
    public static WeightMatrix FromFloat32(float[] data, int rows, int columns)
    {
        ArgumentNullException.ThrowIfNull(data);
        if ((long)rows * columns != data.Length)
        {
            throw new ArgumentException($"Expected {rows}×{columns} values, got {data.Length}.", nameof(data));
        }

        return new WeightMatrix(data, rows, columns);
    }

    /// <summary>Builds a matrix from row-major BF16 bit patterns [rows, columns], widened exactly to fp32.</summary>
    public static WeightMatrix FromBFloat16(ReadOnlySpan<ushort> bits, int rows, int columns)
    {
        if ((long)rows * columns != bits.Length)
        {
            throw new ArgumentException($"Expected {rows}×{columns} values, got {bits.Length}.", nameof(bits));
        }

        var data = new float[bits.Length];
        for (int i = 0; i < bits.Length; i++)
        {
            data[i] = BitConverter.Int32BitsToSingle(bits[i] << 16);
        }

        return new WeightMatrix(data, rows, columns);
    }
}
