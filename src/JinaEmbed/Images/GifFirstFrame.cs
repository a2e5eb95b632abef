// PIL's convert("RGB") of a GIF's first frame (Pillow 9.4, measured; spec §7.1): every pixel is the palette colour of
// its index, the transparent index included; where the first frame does not cover the logical screen, the canvas holds
// the transparent index (or index 0 when there is none), again as its palette colour. Skia decodes the transparent
// index and the uncovered area to transparent black, so the transparency flag of the first frame's Graphic Control
// Extension is cleared in a copy before decoding, and the uncovered area is filled afterwards.
namespace JinaEmbed.Images;

internal sealed class GifFirstFrame
{
    private GifFirstFrame(int flagOffset, int fillIndex, int left, int top, int width, int height, byte[] palette)
    {
        FlagOffset = flagOffset;
        FillIndex = fillIndex;
        Left = left;
        Top = top;
        Width = width;
        Height = height;
        Palette = palette;
    }

    /// <summary>Offset of the GCE packed byte whose transparency bit is set, or −1.</summary>
    public int FlagOffset { get; }

    /// <summary>Index PIL fills the canvas with before drawing the first frame.</summary>
    public int FillIndex { get; }

    public int Left { get; }

    public int Top { get; }

    public int Width { get; }

    public int Height { get; }

    /// <summary>The first frame's colour table (local, else global), RGB triples.</summary>
    public byte[] Palette { get; }

    /// <summary>Walks the blocks up to the first image descriptor; null when the structure cannot be followed.</summary>
    public static GifFirstFrame? Analyze(ReadOnlySpan<byte> data)
    {
        if (data.Length < 13)
        {
            return null;
        }

        var i = 13;
        var packed = data[10];
        var palette = Array.Empty<byte>();
        if ((packed & 0x80) != 0)
        {
            var size = 3 * (1 << ((packed & 7) + 1));
            if (i + size > data.Length)
            {
                return null;
            }

            palette = data.Slice(i, size).ToArray();
            i += size;
        }

        var flagOffset = -1;
        var transparent = -1;
        while (i < data.Length)
        {
            var block = data[i];
            if (block == 0x2C)
            {
                if (i + 10 > data.Length)
                {
                    return null;
                }

                var left = data[i + 1] | (data[i + 2] << 8);
                var top = data[i + 3] | (data[i + 4] << 8);
                var width = data[i + 5] | (data[i + 6] << 8);
                var height = data[i + 7] | (data[i + 8] << 8);
                var local = data[i + 9];
                if ((local & 0x80) != 0)
                {
                    var size = 3 * (1 << ((local & 7) + 1));
                    if (i + 10 + size > data.Length)
                    {
                        return null;
                    }

                    palette = data.Slice(i + 10, size).ToArray();
                }

                return new GifFirstFrame(flagOffset, transparent >= 0 ? transparent : 0, left, top, width, height, palette);
            }

            if (block != 0x21 || i + 1 >= data.Length)
            {
                return null; // trailer or garbage before any frame
            }

            var label = data[i + 1];
            i += 2;
            if (label == 0xF9 && i + 5 < data.Length && data[i] == 4)
            {
                if ((data[i + 1] & 1) != 0)
                {
                    flagOffset = i + 1;
                    transparent = data[i + 4];
                }
                else
                {
                    flagOffset = -1;
                    transparent = -1;
                }
            }

            while (i < data.Length && data[i] != 0)
            {
                i += data[i] + 1;
            }

            i++;
        }

        return null;
    }

    /// <summary>The bytes with the first frame's transparency flag cleared (the input itself when there is none).</summary>
    public ReadOnlySpan<byte> WithoutTransparency(ReadOnlySpan<byte> data)
    {
        if (FlagOffset < 0)
        {
            return data;
        }

        var copy = data.ToArray();
        copy[FlagOffset] &= 0xFE;
        return copy;
    }

    /// <summary>Paints the canvas outside the first frame with the fill index's palette colour.</summary>
    public void FillOutsideFrame(RgbImage image)
    {
        int x0 = Math.Min(Left, image.Width), y0 = Math.Min(Top, image.Height);
        int x1 = Math.Min(Left + Width, image.Width), y1 = Math.Min(Top + Height, image.Height);
        if (x0 == 0 && y0 == 0 && x1 == image.Width && y1 == image.Height)
        {
            return;
        }

        byte r = 0, g = 0, b = 0;
        if (3 * FillIndex + 2 < Palette.Length)
        {
            (r, g, b) = (Palette[3 * FillIndex], Palette[(3 * FillIndex) + 1], Palette[(3 * FillIndex) + 2]);
        }

        var px = image.Pixels;
        for (var y = 0; y < image.Height; y++)
        {
            var inside = y >= y0 && y < y1;
            for (var x = 0; x < image.Width; x++)
            {
                if (inside && x >= x0 && x < x1)
                {
                    continue;
                }

                var k = ((long)y * image.Width + x) * 3;
                px[k] = r;
                px[k + 1] = g;
                px[k + 2] = b;
            }
        }
    }
}
