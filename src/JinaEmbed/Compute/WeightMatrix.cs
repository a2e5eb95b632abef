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
/// Int8 (issue #15): symmetric, one fp32 scale per output row (scale = max|w_row| / 127, q = round(w / scale) in
/// [−127, 127]), stored offset by 128 as u8 (the unsigned operand of a VNNI dot product; activations are the signed
/// one); a panel is [⌈Columns / 4⌉ groups][32 outputs][4 consecutive k] so one 32-bit lane holds the 4 k of one
/// output; k past <see cref="Columns"/> holds q = 0. See docs/int8.md.
/// </remarks>
public sealed class WeightMatrix
{
    /// <summary>Outputs per packed panel.</summary>
    internal const int PanelWidth = 32;

    /// <summary>k values per int8 group (one 32-bit lane of a VNNI dot product).</summary>
    internal const int Int8Group = 4;

    private readonly ushort[]? _bf16;
    private readonly float[]? _f32;
    private readonly byte[]? _i8;
    private readonly float[]? _i8Scales;

    private WeightMatrix(ushort[]? bf16, float[]? f32, int rows, int columns)
    {
        _bf16 = bf16;
        _f32 = f32;
        Rows = rows;
        Columns = columns;
    }

    private WeightMatrix(int rows, int columns, byte[] i8, float[] scales, bool residualActivations = false)
    {
        _i8 = i8;
        _i8Scales = scales;
        Rows = rows;
        Columns = columns;
        Int8ResidualActivations = residualActivations;
    }

    /// <summary>Output features (rows of W).</summary>
    public int Rows { get; }

    /// <summary>Input features (columns of W).</summary>
    public int Columns { get; }

    /// <summary>True when the values are stored as BF16 (widened exactly in the GEMM).</summary>
    public bool IsBFloat16 => _bf16 is not null;

    /// <summary>True when the values are stored as symmetric int8 with one scale per output row (opt-in, approximate).</summary>
    public bool IsInt8 => _i8 is not null;

    /// <summary>
    /// Int8 only: the GEMM quantises x in two int8 passes, x ≈ s₁·q₁ + s₂·q₂ with q₂ the codes of the first pass's
    /// remainder, and runs the kernel on both (≈ 15-bit activations at twice the arithmetic, the weights read once).
    /// For the matrices whose inputs 8 bits resolve too coarsely (docs/int8.md).
    /// </summary>
    public bool Int8ResidualActivations { get; }

    /// <summary>The same int8 weights (shared, not copied), multiplied with two-pass activations.</summary>
    public WeightMatrix WithResidualActivations() =>
        _i8 is not null ? new WeightMatrix(Rows, Columns, _i8, _i8Scales!, residualActivations: true)
        : throw new InvalidOperationException("Two-pass activations apply to int8 matrices only.");

    /// <summary>Bytes of packed storage held by this matrix (int8: panels + per-row scales).</summary>
    public long ResidentBytes => _bf16 is not null ? (long)_bf16.Length * sizeof(ushort)
        : _i8 is not null ? _i8.Length + ((long)_i8Scales!.Length * sizeof(float))
        : (long)_f32!.Length * sizeof(float);

    /// <summary>
    /// Bytes an int8 matrix [rows, columns] holds (what <see cref="QuantizeInt8(ReadOnlySpan{float}, int, int)"/> allocates):
    /// ⌈rows / 32⌉ panels of 32 outputs × columns rounded up to a group of 4, one byte each, and a 4-byte scale per panel output.
    /// </summary>
    public static long Int8ResidentBytes(int rows, int columns)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(rows);
        ArgumentOutOfRangeException.ThrowIfNegative(columns);
        long outputs = (long)(rows + PanelWidth - 1) / PanelWidth * PanelWidth;
        return (outputs * ((columns + Int8Group - 1) / Int8Group * Int8Group)) + (outputs * sizeof(float));
    }

    /// <summary>Number of 32-wide output panels.</summary>
    internal int PanelCount => (Rows + PanelWidth - 1) / PanelWidth;

    /// <summary>Packed BF16 panels, or null for an fp32 matrix.</summary>
    internal ushort[]? PackedBFloat16 => _bf16;

    /// <summary>Packed fp32 panels, or null for a BF16 or int8 matrix.</summary>
    internal float[]? PackedFloat32 => _f32;

    /// <summary>Packed int8 panels [panel][group][32][4] as u8 = q + 128, or null.</summary>
    internal byte[]? PackedInt8 => _i8;

    /// <summary>Int8 scale per output (PanelCount·32 values; padding outputs 0), or null.</summary>
    internal float[]? Int8Scales => _i8Scales;

    /// <summary>Columns rounded up to a whole int8 group (the k extent of an int8 panel).</summary>
    internal int Int8Depth => (Columns + Int8Group - 1) / Int8Group * Int8Group;

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

    /// <summary>
    /// Quantises row-major fp32 values [rows, columns] to symmetric int8 with one scale per output row
    /// (scale = max|w_row| / 127; q = round-half-even(w · 127 / max|w_row|), within [−127, 127]; an all-zero row has scale 0).
    /// </summary>
    public static unsafe WeightMatrix QuantizeInt8(ReadOnlySpan<float> data, int rows, int columns)
    {
        CheckShape(data.Length, rows, columns, nameof(data));
        var (packed, scales, depth) = AllocateInt8(rows, columns);
        fixed (float* p = data)
        {
            nint address = (nint)p;
            QuantizeRows(rows, columns, packed, scales, depth, (r, row) => new ReadOnlySpan<float>((float*)address + ((long)r * columns), columns).CopyTo(row));
        }

        return new WeightMatrix(rows, columns, packed, scales);
    }

    /// <summary>Quantises <paramref name="source"/> (BF16 or fp32) as <see cref="QuantizeInt8(ReadOnlySpan{float}, int, int)"/>; an int8 source is returned as is.</summary>
    public static WeightMatrix QuantizeInt8(WeightMatrix source)
    {
        ArgumentNullException.ThrowIfNull(source);
        if (source.IsInt8)
        {
            return source;
        }

        int rows = source.Rows, columns = source.Columns;
        var (packed, scales, depth) = AllocateInt8(rows, columns);
        QuantizeRows(rows, columns, packed, scales, depth, source.CopyRow);
        return new WeightMatrix(rows, columns, packed, scales);
    }

    /// <summary>
    /// Int8 only: a new matrix [Rows + rows, Columns] whose first Rows outputs are this one's (codes and scales copied)
    /// and whose next ones are <paramref name="data"/> [rows, Columns] quantised the same way, starting a fresh panel
    /// (Rows must be a whole number of panels). One GEMM then yields both products (LoraLinear's adapter inputs).
    /// </summary>
    internal WeightMatrix AppendInt8Rows(ReadOnlySpan<float> data, int rows)
    {
        if (_i8 is null || Rows % PanelWidth != 0)
        {
            throw new InvalidOperationException("Rows can be appended to an int8 matrix of whole panels only.");
        }

        CheckShape(data.Length, rows, Columns, nameof(data));
        var extra = QuantizeInt8(data, rows, Columns);
        var packed = new byte[_i8.Length + extra._i8!.Length];
        _i8.CopyTo(packed, 0);
        extra._i8.CopyTo(packed, _i8.Length);
        var scales = new float[_i8Scales!.Length + extra._i8Scales!.Length];
        _i8Scales.CopyTo(scales, 0);
        extra._i8Scales.CopyTo(scales, _i8Scales.Length);
        return new WeightMatrix(Rows + rows, Columns, packed, scales, Int8ResidualActivations);
    }

    /// <summary>Reads the int8 code of W[row, column] (tests).</summary>
    internal sbyte Int8At(int row, int column) => (sbyte)(_i8![Int8Index(row, column)] - Int8Quantizer.Offset);

    /// <summary>Reads W[row, column] as fp32 (int8: the dequantised value q · scale).</summary>
    public float this[int row, int column]
    {
        get
        {
            ArgumentOutOfRangeException.ThrowIfNegative(row);
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(row, Rows);
            ArgumentOutOfRangeException.ThrowIfNegative(column);
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(column, Columns);
            if (_i8 is not null)
            {
                return Int8At(row, column) * _i8Scales![row];
            }

            int panel = row / PanelWidth, lane = row % PanelWidth;
            long baseIndex = ((long)panel * Columns * PanelWidth) + ((long)column * PanelWidth);
            return _bf16 is not null
                ? BitConverter.Int32BitsToSingle(_bf16[baseIndex + BFloat16Slot(lane)] << 16)
                : _f32![baseIndex + lane];
        }
    }

    /// <summary>Copies row <paramref name="row"/> of W (one output's weights, length Columns) as fp32 (int8: dequantised).</summary>
    public void CopyRow(int row, Span<float> destination)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(row);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(row, Rows);
        ArgumentOutOfRangeException.ThrowIfLessThan(destination.Length, Columns);
        if (_i8 is not null)
        {
            float scale = _i8Scales![row];
            for (int c = 0; c < Columns; c++)
            {
                destination[c] = Int8At(row, c) * scale;
            }

            return;
        }

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

    // Element (row, column) of an int8 matrix → index in the packed panels.
    private long Int8Index(int row, int column)
    {
        int panel = row / PanelWidth, lane = row % PanelWidth;
        return ((long)panel * Int8Depth * PanelWidth) + ((long)(column / Int8Group) * PanelWidth * Int8Group) + (lane * Int8Group) + (column % Int8Group);
    }

    private static (byte[] Packed, float[] Scales, int Depth) AllocateInt8(int rows, int columns)
    {
        int panels = (rows + PanelWidth - 1) / PanelWidth;
        int depth = (columns + Int8Group - 1) / Int8Group * Int8Group;
        var packed = new byte[(long)panels * depth * PanelWidth];
        packed.AsSpan().Fill(Int8Quantizer.Offset); // q = 0 in the padding
        return (packed, new float[panels * PanelWidth], depth);
    }

    private delegate void RowSource(int row, Span<float> destination);

    // Quantises every row (panels in parallel on the thread pool for large matrices; the result does not depend on it).
    private static void QuantizeRows(int rows, int columns, byte[] packed, float[] scales, int depth, RowSource source)
    {
        int panels = (rows + PanelWidth - 1) / PanelWidth;
        void Panel(int p, float[] row, sbyte[] codes)
        {
            for (int r = p * PanelWidth; r < Math.Min(rows, (p + 1) * PanelWidth); r++)
            {
                source(r, row);
                scales[r] = Int8Quantizer.QuantizeRow(row, codes);
                PackInt8Row(codes, r, packed, depth);
            }
        }

        if ((long)rows * columns < 1 << 18 || panels == 1)
        {
            var row = new float[columns];
            var codes = new sbyte[columns];
            for (int p = 0; p < panels; p++)
            {
                Panel(p, row, codes);
            }

            return;
        }

        Parallel.For(0, panels, () => (new float[columns], new sbyte[columns]), (p, _, buffers) =>
        {
            Panel(p, buffers.Item1, buffers.Item2);
            return buffers;
        }, _ => { });
    }

    // Writes one quantised row into its panel lane as u8 = q + 128.
    private static void PackInt8Row(ReadOnlySpan<sbyte> q, int row, byte[] packed, int depth)
    {
        int panel = row / PanelWidth, lane = row % PanelWidth;
        long baseIndex = ((long)panel * depth * PanelWidth) + (lane * Int8Group);
        for (int c = 0; c < q.Length; c++)
        {
            packed[baseIndex + ((long)(c / Int8Group) * PanelWidth * Int8Group) + (c % Int8Group)] = (byte)(q[c] + Int8Quantizer.Offset);
        }
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
