// Shared by both test projects. Reads numpy .npy files (format 1.0–3.0, C order, little-endian) for fixture blobs.
using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace JinaEmbed.Testing;

/// <summary>One .npy array: its dtype (numpy's descr, e.g. <c>|u1</c>, <c>&lt;f4</c>), shape and raw little-endian data.</summary>
internal sealed class NpyArray
{
    public NpyArray(string dtype, int[] shape, byte[] data)
    {
        DType = dtype;
        Shape = shape;
        Data = data;
    }

    /// <summary>numpy's descr string as written in the header.</summary>
    public string DType { get; }

    /// <summary>Dimensions, outermost first (C order).</summary>
    public int[] Shape { get; }

    /// <summary>The raw element bytes, little-endian, C order.</summary>
    public byte[] Data { get; }

    /// <summary>Number of elements (product of the shape; 1 for a scalar).</summary>
    public long Count => Shape.Aggregate(1L, (a, b) => a * b);

    /// <summary>The elements as bytes; the dtype must be uint8.</summary>
    public byte[] AsBytes()
    {
        Require("|u1", "<u1");
        return Data;
    }

    /// <summary>The elements as float32; the dtype must be float32.</summary>
    public float[] AsFloats()
    {
        Require("<f4");
        var result = new float[Count];
        for (var i = 0; i < result.Length; i++)
        {
            result[i] = BinaryPrimitives.ReadSingleLittleEndian(Data.AsSpan(i * 4, 4));
        }

        return result;
    }

    /// <summary>The elements as int64; the dtype must be int64 or int32.</summary>
    public long[] AsInt64()
    {
        Require("<i8", "<i4");
        var size = DType == "<i8" ? 8 : 4;
        var result = new long[Count];
        for (var i = 0; i < result.Length; i++)
        {
            result[i] = size == 8
                ? BinaryPrimitives.ReadInt64LittleEndian(Data.AsSpan(i * 8, 8))
                : BinaryPrimitives.ReadInt32LittleEndian(Data.AsSpan(i * 4, 4));
        }

        return result;
    }

    private void Require(params string[] dtypes)
    {
        if (!dtypes.Contains(DType))
        {
            throw new InvalidDataException($"The array has dtype {DType}, expected {string.Join(" or ", dtypes)}.");
        }
    }
}

/// <summary>Reads .npy files.</summary>
internal static partial class Npy
{
    /// <summary>Reads a whole .npy file.</summary>
    public static NpyArray Read(string path) => Parse(File.ReadAllBytes(path), path);

    /// <summary>Parses .npy bytes; <paramref name="name"/> is used in error messages.</summary>
    public static NpyArray Parse(byte[] bytes, string name = "array")
    {
        ReadOnlySpan<byte> magic = [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'];
        if (bytes.Length < 10 || !bytes.AsSpan(0, 6).SequenceEqual(magic))
        {
            throw new InvalidDataException($"{name}: not a .npy file.");
        }

        int major = bytes[6];
        int headerLength;
        int offset;
        if (major == 1)
        {
            headerLength = BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(8, 2));
            offset = 10;
        }
        else if (major is 2 or 3)
        {
            headerLength = checked((int)BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(8, 4)));
            offset = 12;
        }
        else
        {
            throw new InvalidDataException($"{name}: unsupported .npy version {major}.");
        }

        var header = Encoding.UTF8.GetString(bytes, offset, headerLength);
        var descr = DescrRegex().Match(header);
        var order = FortranRegex().Match(header);
        var shape = ShapeRegex().Match(header);
        if (!descr.Success || !order.Success || !shape.Success)
        {
            throw new InvalidDataException($"{name}: malformed .npy header {header.Trim()}.");
        }

        if (order.Groups[1].Value != "False")
        {
            throw new InvalidDataException($"{name}: Fortran-order arrays are not supported.");
        }

        var dims = shape.Groups[1].Value
            .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(d => int.Parse(d, CultureInfo.InvariantCulture))
            .ToArray();
        var dtype = descr.Groups[1].Value;
        var elementSize = int.Parse(dtype[2..], CultureInfo.InvariantCulture);
        if (dtype[0] == '>' && elementSize > 1)
        {
            throw new InvalidDataException($"{name}: big-endian arrays are not supported.");
        }

        var dataStart = offset + headerLength;
        var count = dims.Aggregate(1L, (a, b) => a * b);
        var length = checked(count * elementSize);
        if (bytes.Length - dataStart != length)
        {
            throw new InvalidDataException($"{name}: expected {length} data bytes for shape ({string.Join(", ", dims)}), found {bytes.Length - dataStart}.");
        }

        return new NpyArray(dtype, dims, bytes.AsSpan(dataStart).ToArray());
    }

    [GeneratedRegex(@"'descr'\s*:\s*'([^']+)'")]
    private static partial Regex DescrRegex();

    [GeneratedRegex(@"'fortran_order'\s*:\s*(True|False)")]
    private static partial Regex FortranRegex();

    [GeneratedRegex(@"'shape'\s*:\s*\(([^)]*)\)")]
    private static partial Regex ShapeRegex();
}
