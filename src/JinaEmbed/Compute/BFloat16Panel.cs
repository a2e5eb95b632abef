// Packed BF16 panel rows: each 32-bit word holds two outputs (w low, 16 + w high); widening is exact.
// A shift moves the low half up; a mask keeps the high half. No cross-lane shuffles (issue #4).
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace JinaEmbed.Compute;

/// <summary>BF16 panel reader.</summary>
internal readonly unsafe struct BFloat16Panel : IPanelFormat
{
    public static int RowBytes => 64;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Load512(byte* row, out Vector512<float> low, out Vector512<float> high)
    {
        var words = Vector512.Load((uint*)row);
        low = Vector512.ShiftLeft(words, 16).AsSingle();
        high = (words & Vector512.Create(0xFFFF0000u)).AsSingle();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Load256(byte* row, int half, out Vector256<float> low, out Vector256<float> high)
    {
        var words = Vector256.Load((uint*)row + (8 * half));
        low = Vector256.ShiftLeft(words, 16).AsSingle();
        high = (words & Vector256.Create(0xFFFF0000u)).AsSingle();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void LoadVector(byte* row, int word, out Vector<float> low, out Vector<float> high)
    {
        var words = Vector.Load((uint*)row + word);
        low = Vector.AsVectorSingle(Vector.ShiftLeft(words, 16));
        high = Vector.AsVectorSingle(words & new Vector<uint>(0xFFFF0000u));
    }
}
