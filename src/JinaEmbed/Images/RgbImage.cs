// Decoded pixels as PIL's convert("RGB") leaves them (spec §7.1): 8-bit R, G, B per pixel, row-major.
namespace JinaEmbed.Images;

/// <summary>An 8-bit RGB image, <see cref="Pixels"/> [Height, Width, 3] row-major.</summary>
public sealed class RgbImage
{
    /// <summary>Wraps pixels [height, width, 3].</summary>
    public RgbImage(int width, int height, byte[] pixels)
    {
        ArgumentNullException.ThrowIfNull(pixels);
        if (width <= 0 || height <= 0 || pixels.LongLength != 3L * width * height)
        {
            throw new ArgumentException($"pixels must hold {height}×{width}×3 bytes.", nameof(pixels));
        }

        Width = width;
        Height = height;
        Pixels = pixels;
    }

    /// <summary>Columns.</summary>
    public int Width { get; }

    /// <summary>Rows.</summary>
    public int Height { get; }

    /// <summary>[Height, Width, 3]: R, G, B of each pixel, row-major.</summary>
    public byte[] Pixels { get; }
}
