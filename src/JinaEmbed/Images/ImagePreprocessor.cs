// smart_resize, uint8 bicubic antialias resize, normalise, patchify (spec §7.2–§7.5).
namespace JinaEmbed.Images;

/// <summary>Turns decoded RGB into the vision tower's patches exactly as Jina's fast processor.</summary>
public sealed class ImagePreprocessor
{
    private readonly float[] _lookup;

    /// <summary>Creates a preprocessor.</summary>
    public ImagePreprocessor(ImagePreprocessorConfig config)
    {
        Config = config ?? throw new ArgumentNullException(nameof(config));
        config.Validate();
        _lookup = BuildLookup(config);
    }

    /// <summary>The settings.</summary>
    public ImagePreprocessorConfig Config { get; }

    /// <summary>The resized (height, width) for a decoded image of this size (smart_resize with the config's bounds).</summary>
    /// <exception cref="ImageException">Aspect ratio above 200.</exception>
    public (int Height, int Width) TargetSize(int height, int width) =>
        SmartResize.Compute(height, width, Config.Factor, Config.MinPixels, Config.MaxPixels);

    /// <summary>Resize, normalise and patchify.</summary>
    /// <exception cref="ImageException">Aspect ratio above 200.</exception>
    public ImagePatches Preprocess(RgbImage image)
    {
        ArgumentNullException.ThrowIfNull(image);
        var (h, w) = TargetSize(image.Height, image.Width);
        var resized = BicubicResize.Resize(image, h, w);
        return Patchify(resized);
    }

    /// <summary>
    /// Resizes now and normalises + patchifies when the patches are first read: a queued image holds its resized bytes
    /// (≤ 1.8 MB at Jina's max_pixels) instead of its fp32 patches (8× more) until a forward pass takes it.
    /// </summary>
    /// <exception cref="ImageException">Aspect ratio above 200.</exception>
    public ImagePatches PreprocessDeferred(RgbImage image)
    {
        ArgumentNullException.ThrowIfNull(image);
        var (h, w) = TargetSize(image.Height, image.Width);
        var resized = BicubicResize.Resize(image, h, w);
        CheckPatchable(resized);
        return new ImagePatches(resized, h / Config.PatchSize, w / Config.PatchSize, Config.PatchInputSize, r => Patchify(r).PixelValues);
    }

    /// <summary>Normalises and patchifies an image whose sides are already multiples of patch × merge (spec §7.4–§7.5).</summary>
    public ImagePatches Patchify(RgbImage resized)
    {
        CheckPatchable(resized);
        var p = Config.PatchSize;
        var m = Config.MergeSize;
        var t = Config.TemporalPatchSize;

        var gh = resized.Height / p;
        var gw = resized.Width / p;
        var rowSize = Config.PatchInputSize;
        var frameSize = p * p;
        var values = new float[(long)gh * gw * rowSize];
        var src = resized.Pixels;
        var stride = resized.Width * 3;
        var lookup = _lookup;
        var n = 0;
        for (var bh = 0; bh < gh / m; bh++)
        {
            for (var bw = 0; bw < gw / m; bw++)
            {
                for (var i = 0; i < m; i++)
                {
                    for (var j = 0; j < m; j++, n++)
                    {
                        var y0 = ((bh * m) + i) * p;
                        var x0 = ((bw * m) + j) * p;
                        var row = values.AsSpan((int)((long)n * rowSize), rowSize);
                        for (var c = 0; c < 3; c++)
                        {
                            var lut = lookup.AsSpan(c * 256, 256);
                            var first = row.Slice(c * t * frameSize, frameSize);
                            for (var y = 0; y < p; y++)
                            {
                                var line = src.AsSpan(((y0 + y) * stride) + (x0 * 3) + c, (3 * (p - 1)) + 1);
                                var dst = first.Slice(y * p, p);
                                for (var x = 0; x < p; x++)
                                {
                                    dst[x] = lut[line[3 * x]];
                                }
                            }

                            for (var f = 1; f < t; f++)
                            {
                                first.CopyTo(row.Slice(((c * t) + f) * frameSize, frameSize));
                            }
                        }
                    }
                }
            }
        }

        return new ImagePatches(values, gh, gw, rowSize);
    }

    private void CheckPatchable(RgbImage resized)
    {
        ArgumentNullException.ThrowIfNull(resized);
        int side = Config.PatchSize * Config.MergeSize;
        if (resized.Height % side != 0 || resized.Width % side != 0)
        {
            throw new ArgumentException($"The image is {resized.Width}×{resized.Height}; both sides must be multiples of {side}.", nameof(resized));
        }
    }

    /// <summary>v = (x − m_c) / s_c in float32 for every byte value, m_c = fp32(mean_c · fp32(1/rescale)), likewise s_c (spec §7.4).</summary>
    private static float[] BuildLookup(ImagePreprocessorConfig config)
    {
        var scale = (float)(1.0 / config.RescaleFactor);
        var lookup = new float[3 * 256];
        for (var c = 0; c < 3; c++)
        {
            var mean = config.ImageMean[c] * scale;
            var std = config.ImageStd[c] * scale;
            for (var x = 0; x < 256; x++)
            {
                lookup[(c * 256) + x] = (x - mean) / std;
            }
        }

        return lookup;
    }
}
