// A linear layer's weight W [out, in] (PyTorch nn.Linear layout), held once for the model's lifetime.
// Packed at load into column panels of 32 outputs so the GEMM streams it (issue #4); BF16 stays BF16.
namespace JinaEmbed.Compute;

/// <summary>An immutable weight matrix W of shape [Rows = out, Columns = in], used as y = x·Wᵀ.</summary>
/// <remarks>
/// Storage: ⌈Rows / 32⌉ panels, each [Columns][32] and contiguous, so a k-slice of a panel is one
/// cache line of BF16 (or two of fp32). Panel rows past <see cref="Rows"/> are zero.
/// BF16 layout inside a 32-wide k-row: the 32-bit word w (0…15) holds output 16·h + w in its half h
/// (h = 0 low, h = 1 high), so one 32-bit lane widens to two fp32 values with a shift and a mask.
/// FP32 layout inside a k-row: outputs in natural order 0…31.
/// </remarks>
public sealed class WeightMatrix
{
    /// <summary>Outputs per packed panel.</summary>
    internal const int PanelWidth = 32;

    private readonly ushort[]? _bf16;
    private readonly float[]? _f32;

    private WeightMatrix(ushort[]? bf16, float[]? f32, int rows, int columns)
    {
        _bf16 = bf16;
        _f32 = f32;
        Rows = rows;
        Columns = columns;
    }

    /// <summary>Output features (rows of W).</summary>
    public int Rows { get; }

    /// <summary>Input features (columns of W).</summary>
    public int Columns { get; }

    /// <summary>True when the values are stored as BF16 (widened exactly in the GEMM).</summary>
    public bool IsBFloat16 => _bf16 is not null;

    /// <summary>Bytes of packed storage held by this matrix.</summary>
    public long ResidentBytes => _bf16 is not null ? (long)_bf16.Length * sizeof(ushort) : (long)_f32!.Length * sizeof(float);

    /// <summary>Number of 32-wide output panels.</summary>
    internal int PanelCount => (Rows + PanelWidth - 1) / PanelWidth;

    /// <summary>Packed BF16 panels, or null for an fp32 matrix.</summary>
    internal ushort[]? PackedBFloat16 => _bf16;

    /// <summary>Packed fp32 panels, or null for a BF16 matrix.</summary>
    internal float[]? PackedFloat32 => _f32;

    /// <summary>Row-major fp32 copy [Rows, Columns]; allocates on every call (oracles and tests only).</summary>
    internal ReadOnlySpan<float> Data => ToFloat32();

    /// <summary>Builds a matrix from row-major fp32 values [rows, columns] (packed into panels; the array is not kept).</summary>
    public static WeightMatrix FromFloat32(float[] data, int rows, int columns)
    {
        ArgumentNullException.ThrowIfNull(data);
        return FromFloat32((ReadOnlySpan<float>)data, rows, columns);
    }

    /// <summary>Builds a matrix from row-major fp32 values [rows, columns], packed into panels.</summary>
    public static WeightMatrix FromFloat32(ReadOnlySpan<float> data, int rows, int columns)
    {
        CheckShape(data.Length, rows, columns, nameof(data));
        int panels = (rows + PanelWidth - 1) / PanelWidth;
        var packed = new float[(long)panels * columns * PanelWidth];
        for (int r = 0; r < rows; r++)
        {
            int panel = r / PanelWidth, lane = r % PanelWidth;
            var src = data.Slice(r * columns, columns);
            long baseIndex = (long)panel * columns * PanelWidth + lane;
            for (int c = 0; c < columns; c++)
            {
                packed[baseIndex + ((long)c * PanelWidth)] = src[c];
            }
        }

        return new WeightMatrix(null, packed, rows, columns);
    }

    /// <summary>Builds a matrix from row-major BF16 bit patterns [rows, columns]; kept as BF16, widened exactly when used.</summary>
    public static WeightMatrix FromBFloat16(ReadOnlySpan<ushort> bits, int rows, int columns)
    {
        CheckShape(bits.Length, rows, columns, nameof(bits));
        int panels = (rows + PanelWidth - 1) / PanelWidth;
        var packed = new ushort[(long)panels * columns * PanelWidth];
        for (int r = 0; r < rows; r++)
        {
            int panel = r / PanelWidth, lane = r % PanelWidth;
            var src = bits.Slice(r * columns, columns);
            long baseIndex = ((long)panel * columns * PanelWidth) + BFloat16Slot(lane);
            for (int c = 0; c < columns; c++)
            {
                packed[baseIndex + ((long)c * PanelWidth)] = src[c];
            }
        }

        return new WeightMatrix(packed, null, rows, columns);
    }

    /// <summary>Reads W[row, column] as fp32.</summary>
    public float this[int row, int column]
    {
        get
        {
            ArgumentOutOfRangeException.ThrowIfNegative(row);
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(row, Rows);
            ArgumentOutOfRangeException.ThrowIfNegative(column);
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(column, Columns);
            int panel = row / PanelWidth, lane = row % PanelWidth;
            long baseIndex = ((long)panel * Columns * PanelWidth) + ((long)column * PanelWidth);
            return _bf16 is not null
                ? BitConverter.Int32BitsToSingle(_bf16[baseIndex + BFloat16Slot(lane)] << 16)
                : _f32![baseIndex + lane];
        }
    }

    /// <summary>Copies row <paramref name="row"/> of W (one output's weights, length Columns) as fp32.</summary>
    public void CopyRow(int row, Span<float> destination)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(row);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(row, Rows);
        ArgumentOutOfRangeException.ThrowIfLessThan(destination.Length, Columns);
        int panel = row / PanelWidth, lane = row % PanelWidth;
        long baseIndex = (long)panel * Columns * PanelWidth;
        if (_bf16 is not null)
        {
            baseIndex += BFloat16Slot(lane);
            for (int c = 0; c < Columns; c++)
            {
                destination[c] = BitConverter.Int32BitsToSingle(_bf16[baseIndex + ((long)c * PanelWidth)] << 16);
            }
        }
        else
        {
            baseIndex += lane;
            for (int c = 0; c < Columns; c++)
            {
                destination[c] = _f32![baseIndex + ((long)c * PanelWidth)];
            }
        }
    }

    /// <summary>Unpacks to a new row-major fp32 array [Rows, Columns].</summary>
    public float[] ToFloat32()
    {
        var result = new float[(long)Rows * Columns];
        for (int r = 0; r < Rows; r++)
        {
            CopyRow(r, result.AsSpan(r * Columns, Columns));
        }

        return result;
    }

    // Output lane (0…31) → ushort slot inside a packed BF16 k-row: word (lane % 16), half (lane / 16).
    private static int BFloat16Slot(int lane) => (2 * (lane % 16)) + (lane / 16);

    private static void CheckShape(int length, int rows, int columns, string name)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(rows);
        ArgumentOutOfRangeException.ThrowIfNegative(columns);
        if ((long)rows * columns != length)
        {
            throw new ArgumentException($"Expected {rows}×{columns} values, got {length}.", name);
        }
    }
}
