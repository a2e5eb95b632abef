// The torchvision-v2 fast path's resize (spec §7.3): PyTorch's CPU uint8 bicubic antialias interpolation
// (align_corners=False) with int16 weights of dynamic precision; width pass first, then height.
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace JinaEmbed.Images;

/// <summary>Resizes 8-bit RGB bit-identically to <c>F.interpolate(uint8, mode="bicubic", antialias=True)</c> on CPU.</summary>
public static class BicubicResize
{
    /// <summary>The resized image; the same instance when the size does not change.</summary>
    public static RgbImage Resize(RgbImage image, int height, int width)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        if (height == image.Height && width == image.Width)
        {
            return image;
        }

        var pixels = image.Pixels;
        var w = image.Width;
        if (width != image.Width)
        {
            pixels = Horizontal(pixels, image.Height, image.Width, width);
            w = width;
        }

        if (height != image.Height)
        {
            pixels = Vertical(pixels, image.Height, w, height);
        }

        return new RgbImage(width, height, pixels);
    }

    /// <summary>The int16 weights of one axis (internal for tests).</summary>
    internal sealed class AxisWeights
    {
        public required int[] Start { get; init; }
        public required int[] Size { get; init; }
        /// <summary>[output, kmax] quantised weights.</summary>
        public required short[] Weights { get; init; }
        public required int KMax { get; init; }
        public required int Precision { get; init; }
    }

    /// <summary>Weights for resampling <paramref name="inSize"/> samples to <paramref name="outSize"/> (spec §7.3).</summary>
    internal static AxisWeights ComputeWeights(int inSize, int outSize)
    {
        var scale = (double)inSize / outSize;
        var support = scale >= 1.0 ? 2.0 * scale : 2.0;
        var invScale = scale >= 1.0 ? 1.0 / scale : 1.0;
        var kmax = (int)Math.Ceiling(support) * 2 + 1;

        var start = new int[outSize];
        var size = new int[outSize];
        var raw = new double[(long)outSize * kmax];
        var wmax = 0.0;
        for (var i = 0; i < outSize; i++)
        {
            var center = scale * (i + 0.5);
            var xmin = Math.Max((long)(center - support + 0.5), 0L);
            var xsize = Math.Min((long)(center + support + 0.5), inSize) - xmin;
            xsize = Math.Clamp(xsize, 0, kmax);
            start[i] = (int)xmin;
            size[i] = (int)xsize;

            var row = raw.AsSpan(i * kmax, kmax);
            var total = 0.0;
            for (var j = 0; j < xsize; j++)
            {
                var wj = Cubic((j + xmin - center + 0.5) * invScale);
                row[j] = wj;
                total += wj;
            }

            for (var j = 0; j < xsize; j++)
            {
                if (total != 0.0)
                {
                    row[j] /= total;
                }

                wmax = Math.Max(wmax, row[j]);
            }
        }

        var precision = 22;
        for (var p = 0; p < 22; p++)
        {
            if ((int)(0.5 + wmax * (1 << (p + 1))) >= 1 << 15)
            {
                precision = p;
                break;
            }
        }

        var quantised = new short[raw.Length];
        double unit = 1 << precision;
        for (var k = 0; k < raw.Length; k++)
        {
            var v = raw[k] * unit;
            quantised[k] = (short)(v >= 0 ? (long)(v + 0.5) : (long)(v - 0.5));
        }

        return new AxisWeights { Start = start, Size = size, Weights = quantised, KMax = kmax, Precision = precision };
    }

    /// <summary>Keys' cubic, a = −0.5, in PyTorch's evaluation order.</summary>
    private static double Cubic(double x)
    {
        var t = Math.Abs(x);
        if (t < 1.0)
        {
            return ((1.5 * t - 2.5) * t * t) + 1.0;
        }

        if (t < 2.0)
        {
            return (((-0.5 * t + 2.5) * t - 4.0) * t) + 2.0;
        }

        return 0.0;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static byte Clip(int acc, int precision)
    {
        var v = acc >> precision;
        return (byte)(v < 0 ? 0 : v > 255 ? 255 : v);
    }

    private static byte[] Horizontal(byte[] src, int rows, int inWidth, int outWidth)
    {
        var wt = ComputeWeights(inWidth, outWidth);
        var dst = new byte[(long)rows * outWidth * 3];
        var bias = 1 << (wt.Precision - 1);
        var p = wt.Precision;
        var kmax = wt.KMax;

        void Row(int y)
        {
            var s = src.AsSpan((int)((long)y * inWidth * 3), inWidth * 3);
            var d = dst.AsSpan((int)((long)y * outWidth * 3), outWidth * 3);
            for (var x = 0; x < outWidth; x++)
            {
                var n = wt.Size[x];
                var k = wt.Weights.AsSpan(x * kmax, n);
                var px = s.Slice(wt.Start[x] * 3, n * 3);
                int r = bias, g = bias, b = bias;
                for (var j = 0; j < k.Length; j++)
                {
                    int q = k[j];
                    r += q * px[3 * j];
                    g += q * px[(3 * j) + 1];
                    b += q * px[(3 * j) + 2];
                }

                d[3 * x] = Clip(r, p);
                d[(3 * x) + 1] = Clip(g, p);
                d[(3 * x) + 2] = Clip(b, p);
            }
        }

        RunRows(rows, Row);
        return dst;
    }

    private static byte[] Vertical(byte[] src, int inHeight, int width, int outHeight)
    {
        var wt = ComputeWeights(inHeight, outHeight);
        var stride = width * 3;
        var dst = new byte[(long)outHeight * stride];
        var bias = 1 << (wt.Precision - 1);
        var p = wt.Precision;
        var kmax = wt.KMax;

        var acc = new int[stride];
        void Row(int y)
        {
            acc.AsSpan().Fill(bias);
            var n = wt.Size[y];
            var k = wt.Weights.AsSpan(y * kmax, n);
            for (var j = 0; j < n; j++)
            {
                AccumulateRow(acc, src.AsSpan((int)((long)(wt.Start[y] + j) * stride), stride), k[j]);
            }

            var d = dst.AsSpan((int)((long)y * stride), stride);
            for (var i = 0; i < stride; i++)
            {
                d[i] = Clip(acc[i], p);
            }
        }

        RunRows(outHeight, Row);
        return dst;
    }

    /// <summary>acc[i] += q · row[i].</summary>
    private static void AccumulateRow(int[] acc, ReadOnlySpan<byte> row, short q)
    {
        var i = 0;
        if (Vector256.IsHardwareAccelerated && row.Length >= 16)
        {
            var qv = Vector256.Create((int)q);
            ref var a0 = ref acc[0];
            for (; i <= row.Length - 16; i += 16)
            {
                var bytes = Vector128.Create(row.Slice(i, 16));
                var (lo16, hi16) = Vector128.Widen(bytes);
                var (a, b) = Vector128.Widen(lo16);
                var (c, e) = Vector128.Widen(hi16);
                var lo = Vector256.Create(a.AsInt32(), b.AsInt32());
                var hi = Vector256.Create(c.AsInt32(), e.AsInt32());
                ref var slot = ref Unsafe.Add(ref a0, i);
                Vector256.StoreUnsafe(Vector256.LoadUnsafe(ref slot) + (lo * qv), ref slot);
                ref var slot2 = ref Unsafe.Add(ref a0, i + 8);
                Vector256.StoreUnsafe(Vector256.LoadUnsafe(ref slot2) + (hi * qv), ref slot2);
            }
        }

        for (; i < row.Length; i++)
        {
            acc[i] += q * row[i];
        }
    }

    /// <summary>Runs the rows on the calling thread (the engine's compute threads are owned by its ComputeContext).</summary>
    private static void RunRows(int rows, Action<int> row)
    {
        for (var y = 0; y < rows; y++)
        {
            row(y);
        }
    }
}
