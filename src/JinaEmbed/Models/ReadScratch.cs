// One reused buffer per element type for reading a checkpoint's large tensors before packing them, so the packed copy
// is the only one that stays resident.
using System.Runtime.InteropServices;
using JinaEmbed.Checkpoints;
using JinaEmbed.Compute;

namespace JinaEmbed.Models;

/// <summary>Grow-only read buffers shared by the weight loaders.</summary>
internal sealed class ReadScratch(Precision precision = Precision.Exact)
{
    /// <summary>How the packed matrices compute: as stored, or quantised to int8.</summary>
    public Precision Precision { get; } = precision;

    private ushort[] _bits = [];
    private float[] _floats = [];

    /// <summary>A buffer of at least <paramref name="count"/> 16-bit values.</summary>
    public ushort[] Bits(int count) => _bits.Length >= count ? _bits : _bits = new ushort[count];

    /// <summary>A buffer of at least <paramref name="count"/> floats.</summary>
    public float[] Floats(int count) => _floats.Length >= count ? _floats : _floats = new float[count];

    /// <summary>
    /// Reads a [out, in] weight tensor with plain file reads into the reused buffer and packs it for the GEMM: BF16 stays
    /// BF16, F32 and F16 become fp32. The packed copy is the only one that stays resident.
    /// </summary>
    public WeightMatrix Matrix(SafetensorsFile file, SafetensorsTensor tensor) => Matrix(file, tensor, tensor.Shape[0], tensor.Shape[1]);

    /// <summary>
    /// As <see cref="Matrix(SafetensorsFile, SafetensorsTensor)"/>, reading the tensor as [<paramref name="outDim"/>,
    /// <paramref name="inDim"/>] row-major (a convolution kernel flattened to a GEMM weight).
    /// </summary>
    public WeightMatrix Matrix(SafetensorsFile file, SafetensorsTensor tensor, int outDim, int inDim)
    {
        int count = outDim * inDim;
        if (tensor.ElementCount != count)
        {
            throw new ArgumentException($"Tensor '{tensor.Name}' {tensor.ShapeText} does not hold {outDim}×{inDim} values.", nameof(tensor));
        }

        if (tensor.DataType == TensorDataType.BFloat16)
        {
            var bits = Bits(count);
            file.ReadInto(tensor, MemoryMarshal.AsBytes(bits.AsSpan(0, count)));
            if (Precision == Precision.Int8)
            {
                // Widen exactly, then quantise: the int8 copy is the only one that stays resident.
                var widened = Floats(count).AsSpan(0, count);
                for (int i = 0; i < count; i++)
                {
                    widened[i] = BitConverter.Int32BitsToSingle(bits[i] << 16);
                }

                return Pack(widened, outDim, inDim);
            }

            return WeightMatrix.FromBFloat16(bits.AsSpan(0, count), outDim, inDim);
        }

        var values = Floats(count);
        if (tensor.DataType == TensorDataType.Float32)
        {
            file.ReadInto(tensor, MemoryMarshal.AsBytes(values.AsSpan(0, count)));
        }
        else
        {
            file.CopyFloat32(tensor, 0, values.AsSpan(0, count));
        }

        return Pack(values.AsSpan(0, count), outDim, inDim);
    }

    /// <summary>Packs row-major fp32 [rows, columns] for the GEMM at this scratch's precision.</summary>
    public WeightMatrix Pack(ReadOnlySpan<float> values, int rows, int columns) =>
        Precision == Precision.Int8 ? WeightMatrix.QuantizeInt8(values, rows, columns) : WeightMatrix.FromFloat32(values, rows, columns);
}
