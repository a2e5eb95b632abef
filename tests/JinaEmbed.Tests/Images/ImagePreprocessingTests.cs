using System.Text.Json;
using JinaEmbed.Images;

namespace JinaEmbed.Tests.Images;

/// <summary>smart_resize, the fast-path resize and pixel_values against both v4 fixtures (spec §7.2–§7.5, §11).</summary>
public sealed class ImagePreprocessingTests
{
    public static TheoryData<string, string> ResizedCases()
    {
        var data = new TheoryData<string, string>();
        foreach (var id in new[] { "img_100x70", "img_300x200", "rgba_90x60", "gray_64x80", "photo_160x120", "upscale_40x30", "big_400x300", "wide_600x40" })
        {
            data.Add("tiny-jina-v4", id);
        }

        foreach (var id in new[] { "img_300x200", "img_100x70", "wide_600x40" })
        {
            data.Add("tiny-jina-v4-realdims", id);
        }

        return data;
    }

    public static TheoryData<string> PixelValueCases() =>
        ["img_100x70", "img_300x200", "rgba_90x60", "gray_64x80", "photo_160x120", "upscale_40x30", "big_400x300", "wide_600x40"];

    internal static RgbImage LoadRgb(string fixture, string id)
    {
        var npy = Npy.Read(Fixtures.Path(fixture, "blobs", $"{id}.rgb.npy"));
        Assert.Equal(3, npy.Shape.Length);
        Assert.Equal(3, npy.Shape[2]);
        return new RgbImage(npy.Shape[1], npy.Shape[0], npy.AsBytes());
    }

    private static JsonElement ImageCase(string fixture, string id)
    {
        using var doc = JsonDocument.Parse(File.ReadAllBytes(Fixtures.Path(fixture, "expected.json")));
        foreach (var c in doc.RootElement.GetProperty("image_cases").EnumerateArray())
        {
            if (c.GetProperty("id").GetString() == id)
            {
                return c.Clone();
            }
        }

        throw new InvalidOperationException($"{fixture}/expected.json has no image case {id}.");
    }

    [Theory]
    [MemberData(nameof(ResizedCases))]
    public void SmartResizeMatchesTheFixture(string fixture, string id)
    {
        var config = ImagePreprocessorConfig.Load(Fixtures.Path(fixture, "preprocessor_config.json"));
        var c = ImageCase(fixture, id);
        var hw = c.GetProperty("smart_resize_hw").EnumerateArray().Select(e => e.GetInt32()).ToArray();
        var thw = c.GetProperty("image_grid_thw").EnumerateArray().Select(e => e.GetInt32()).ToArray();
        var image = LoadRgb(fixture, id);
        var (h, w) = new ImagePreprocessor(config).TargetSize(image.Height, image.Width);
        Assert.Equal((hw[0], hw[1]), (h, w));
        Assert.Equal([1, h / 14, w / 14], thw);
    }

    [Theory]
    [MemberData(nameof(ResizedCases))]
    public void ResizeIsBitExactWithTheFastPath(string fixture, string id)
    {
        var image = LoadRgb(fixture, id);
        var expected = Npy.Read(Fixtures.Path(fixture, "blobs", $"{id}.resized_fast.npy"));
        var resized = BicubicResize.Resize(image, expected.Shape[0], expected.Shape[1]);
        Assert.Equal(expected.Shape[0], resized.Height);
        Assert.Equal(expected.Shape[1], resized.Width);
        var want = expected.AsBytes();
        var differing = Enumerable.Range(0, want.Length).Count(i => want[i] != resized.Pixels[i]);
        Assert.True(differing == 0, $"{differing} of {want.Length} resized bytes differ from {id}.resized_fast.npy");
    }

    [Theory]
    [MemberData(nameof(PixelValueCases))]
    public void PixelValuesEqualTheFastPath(string id)
    {
        var config = ImagePreprocessorConfig.Load(Fixtures.Path("tiny-jina-v4", "preprocessor_config.json"));
        var patches = new ImagePreprocessor(config).Preprocess(LoadRgb("tiny-jina-v4", id));
        var expected = Npy.Read(Fixtures.Path("tiny-jina-v4", "blobs", $"{id}.pixel_values_fast.npy"));
        var thw = ImageCase("tiny-jina-v4", id).GetProperty("image_grid_thw").EnumerateArray().Select(e => e.GetInt32()).ToArray();
        Assert.Equal(thw[1], patches.GridHeight);
        Assert.Equal(thw[2], patches.GridWidth);
        Assert.Equal(expected.Shape, new[] { patches.PatchCount, patches.PatchInputSize });
        Assert.Equal(1176, patches.PatchInputSize);
        var want = expected.AsFloats();
        var maxDiff = 0f;
        var bitDiffer = 0;
        for (var i = 0; i < want.Length; i++)
        {
            maxDiff = Math.Max(maxDiff, Math.Abs(want[i] - patches.PixelValues[i]));
            if (BitConverter.SingleToInt32Bits(want[i]) != BitConverter.SingleToInt32Bits(patches.PixelValues[i]))
            {
                bitDiffer++;
            }
        }

        Assert.True(maxDiff <= 1e-6f, $"max |Δ| {maxDiff}");
        Assert.Equal(0, bitDiffer); // same fp32 operations as the reference: bit-identical (spec §7.4)
    }

    [Fact]
    public void TheImageBelowTheFactorResizesTo84By56()
    {
        // small_20x30: transformers 4.52 raises; the spec's Decision takes the min_pixels branch.
        var config = ImagePreprocessorConfig.Load(Fixtures.Path("tiny-jina-v4", "preprocessor_config.json"));
        var image = LoadRgb("tiny-jina-v4", "small_20x30");
        Assert.Equal((30, 20), (image.Height, image.Width));
        Assert.Contains("must be larger than factor", ImageCase("tiny-jina-v4", "small_20x30").GetProperty("error").GetString());
        var patches = new ImagePreprocessor(config).Preprocess(image);
        Assert.Equal((6, 4), (patches.GridHeight, patches.GridWidth));
        Assert.Equal(6, patches.ImageTokens);
    }

    [Fact]
    public void NormalisationConstantsAreTheSpecsFloat32Values()
    {
        // m_c = fp32(fp32(mean)·255), s_c likewise (spec §7.4): x = 0 gives −m/s, and (m + s) maps to 1 within one ulp.
        var p = new ImagePreprocessor(ImagePreprocessorConfig.Default);
        var image = new RgbImage(28, 28, new byte[28 * 28 * 3]);
        var patches = p.Patchify(image);
        Assert.Equal(-122.77094268798828f / 68.50053405761719f, patches.PixelValues[0]);
        Assert.Equal(-116.74601745605469f / 66.63216400146484f, patches.PixelValues[2 * 196]);
        Assert.Equal(-104.09373474121094f / 70.32315826416016f, patches.PixelValues[4 * 196]);
    }

    [Fact]
    public void PatchOrderFollowsMergeBlocksAndRepeatsTheFrame()
    {
        // 56×56: 4×4 patches, 2×2 merge blocks. Encode the patch coordinates in the pixels and read them back.
        var (h, w) = (56, 84);
        var px = new byte[h * w * 3];
        for (var y = 0; y < h; y++)
        {
            for (var x = 0; x < w; x++)
            {
                px[((y * w) + x) * 3] = (byte)(y / 14);
                px[(((y * w) + x) * 3) + 1] = (byte)(x / 14);
                px[(((y * w) + x) * 3) + 2] = (byte)(((y % 14) * 14) + (x % 14));
            }
        }

        var config = ImagePreprocessorConfig.Default;
        var pre = new ImagePreprocessor(config);
        var patches = pre.Patchify(new RgbImage(w, h, px));
        Assert.Equal((4, 6), (patches.GridHeight, patches.GridWidth));
        float Value(int c, int x) => (x - (config.ImageMean[c] * 255f)) / (config.ImageStd[c] * 255f);
        for (var n = 0; n < patches.PatchCount; n++)
        {
            var block = n / 4;
            var (bh, bw) = (block / 3, block % 3);
            var (i, j) = ((n / 2) % 2, n % 2);
            var row = patches.PixelValues.AsSpan(n * 1176, 1176);
            for (var frame = 0; frame < 2; frame++)
            {
                for (var yx = 0; yx < 196; yx++)
                {
                    Assert.Equal(Value(0, (2 * bh) + i), row[((0 * 2) + frame) * 196 + yx]);
                    Assert.Equal(Value(1, (2 * bw) + j), row[((1 * 2) + frame) * 196 + yx]);
                    Assert.Equal(Value(2, yx), row[((2 * 2) + frame) * 196 + yx]);
                }
            }
        }
    }

    [Fact]
    public void UnchangedSizeIsTheIdentity()
    {
        var px = new byte[224 * 224 * 3];
        new Random(7).NextBytes(px);
        var image = new RgbImage(224, 224, px);
        var (h, w) = new ImagePreprocessor(ImagePreprocessorConfig.Default).TargetSize(224, 224);
        Assert.Equal((224, 224), (h, w));
        Assert.Same(image, BicubicResize.Resize(image, h, w));
    }

    [Fact]
    public void AspectAbove200IsRefusedAtPreprocess()
    {
        var image = new RgbImage(40000, 1, new byte[40000 * 3]);
        var e = Assert.Throws<ImageException>(() => new ImagePreprocessor(ImagePreprocessorConfig.Default).Preprocess(image));
        Assert.Equal(ImageErrorKind.Invalid, e.Kind);
        Assert.Contains("aspect ratio", e.Message);
        Assert.Contains("40000×1", e.Message);
    }

    [Fact]
    public void ATwentyMegapixelPhotoDownscalesToTheMaxPixelsGrid()
    {
        // 5472×3648 (20 MP) → smart_resize under 602112 pixels; time is measured in bench/, not here.
        var (srcW, srcH) = (5472, 3648);
        var px = new byte[srcW * srcH * 3];
        new Random(1).NextBytes(px);
        var pre = new ImagePreprocessor(ImagePreprocessorConfig.Default);
        var (h, w) = pre.TargetSize(srcH, srcW);
        Assert.Equal((616, 924), (h, w));
        var patches = pre.Preprocess(new RgbImage(srcW, srcH, px));
        Assert.Equal((44, 66), (patches.GridHeight, patches.GridWidth));
        Assert.Equal(726, patches.ImageTokens);
        Assert.All(patches.PixelValues, v => Assert.True(float.IsFinite(v)));
    }
}
