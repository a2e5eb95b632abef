// smart_resize (spec §7.2): the resized size, a multiple of the factor on both sides, within min/max pixels.
namespace JinaEmbed.Images;

/// <summary>Qwen2-VL's <c>smart_resize</c> as Jina's processor runs it (float64 arithmetic, Python's half-to-even round).</summary>
public static class SmartResize
{
    /// <summary>Largest accepted ratio of the longer to the shorter side (exactly 200 is accepted).</summary>
    public const double MaxAspectRatio = 200;

    /// <summary>
    /// The target (height, width) for a source of <paramref name="height"/> × <paramref name="width"/>: both multiples of
    /// <paramref name="factor"/> (patch × merge = 28), with height·width in [minPixels, maxPixels] where the branch applies.
    /// Sides below the factor go through the min_pixels branch (spec Decision).
    /// </summary>
    /// <exception cref="ImageException">Aspect ratio above 200 (<see cref="ImageErrorKind.Invalid"/>).</exception>
    /// <exception cref="ArgumentOutOfRangeException">A non-positive side, factor or pixel bound.</exception>
    public static (int Height, int Width) Compute(int height, int width, int factor, long minPixels, long maxPixels)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(factor);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(minPixels);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxPixels);

        double h = height, w = width;
        var aspect = Math.Max(h, w) / Math.Min(h, w);
        if (aspect > MaxAspectRatio)
        {
            throw new ImageException(
                ImageErrorKind.Invalid,
                $"The image is {width}×{height} pixels: its aspect ratio {aspect:0.###} is above the limit of {MaxAspectRatio:0}.");
        }

        double f = factor;
        var hBar = Math.Round(h / f, MidpointRounding.ToEven) * f;
        var wBar = Math.Round(w / f, MidpointRounding.ToEven) * f;
        if (hBar * wBar > maxPixels)
        {
            var beta = Math.Sqrt(h * w / maxPixels);
            hBar = Math.Max(f, Math.Floor(h / beta / f) * f);
            wBar = Math.Max(f, Math.Floor(w / beta / f) * f);
        }
        else if (hBar * wBar < minPixels)
        {
            var beta = Math.Sqrt(minPixels / (h * w));
            hBar = Math.Ceiling(h * beta / f) * f;
            wBar = Math.Ceiling(w * beta / f) * f;
        }

        return (checked((int)hBar), checked((int)wBar));
    }
}
