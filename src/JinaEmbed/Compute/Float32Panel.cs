// Packed fp32 panel rows: 32 outputs in natural order, 128 bytes per k-row (issue #4).
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace JinaEmbed.Compute;

/// <summary>fp32 panel reader.</summary>
internal readonly unsafe struct Float32Panel : IPanelFormat
{
    public static int RowBytes => 128;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Load512(byte* row, out Vector512<float> low, out Vector512<float> high)
    {
        low = Vector512.Load((float*)row);
        high = Vector512.Load((float*)row + 16);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Load256(byte* row, int half, out Vector256<float> low, out Vector256<float> high)
    {
        low = Vector256.Load((float*)row + (8 * half));
        high = Vector256.Load((float*)row + 16 + (8 * half));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void LoadVector(byte* row, int word, out Vector<float> low, out Vector<float> high)
    {
        low = Vector.Load((float*)row + word);
        high = Vector.Load((float*)row + 16 + word);
    }
}
