using System.Security.Cryptography;
using System.Text.Json;
using JinaEmbed.Images;

namespace JinaEmbed.Tests.Images;

/// <summary>Decoding to RGB as PIL's convert("RGB") (spec §7.1): fixture images and generated images of every mode.</summary>
public sealed class ImageDecoderTests
{
    internal static string DataPath(string file)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "JinaEmbed.slnx")))
            {
                var path = Path.Combine(dir.FullName, "tests", "JinaEmbed.Tests", "Images", "Data", file);
                Assert.True(File.Exists(path), $"test image missing: {path}");
                return path;
            }
        }

        throw new DirectoryNotFoundException("Could not find the repository root (JinaEmbed.slnx).");
    }

    [Theory]
    [InlineData("img_100x70", "png", ImageFormat.Png)]
    [InlineData("img_300x200", "png", ImageFormat.Png)]
    [InlineData("rgba_90x60", "png", ImageFormat.Png)]
    [InlineData("gray_64x80", "png", ImageFormat.Png)]
    [InlineData("big_400x300", "png", ImageFormat.Png)]
    [InlineData("photo_160x120", "jpg", ImageFormat.Jpeg)]
    public void FixtureImagesDecodeExactlyAsPil(string id, string ext, ImageFormat format)
    {
        // PNGs must be exact (spec §11.2); the baseline JPEG is exact too: Skia and PIL both use libjpeg-turbo's defaults.
        var bytes = File.ReadAllBytes(Fixtures.Path("tiny-jina-v4", "images", $"{id}.{ext}"));
        var expected = ImagePreprocessingTests.LoadRgb("tiny-jina-v4", id);
        var header = ImageDecoder.ReadHeader(bytes);
        Assert.Equal(new ImageHeader(format, expected.Width, expected.Height), header);
        var image = ImageDecoder.Decode(bytes);
        Assert.Equal((expected.Width, expected.Height), (image.Width, image.Height));
        var differing = Enumerable.Range(0, expected.Pixels.Length).Count(i => expected.Pixels[i] != image.Pixels[i]);
        Assert.True(differing == 0, $"{differing} of {expected.Pixels.Length} bytes differ from PIL's decode");
    }

    [Fact]
    public void TransparentPixelsKeepTheirColour()
    {
        // rgba_90x60 has a fully transparent hole: unpremultiplied decoding keeps its RGB (alpha dropped, not composited).
        var bytes = File.ReadAllBytes(Fixtures.Path("tiny-jina-v4", "images", "rgba_90x60.png"));
        var image = ImageDecoder.Decode(bytes);
        var expected = ImagePreprocessingTests.LoadRgb("tiny-jina-v4", "rgba_90x60");
        Assert.Equal(expected.Pixels, image.Pixels);
        Assert.Contains(image.Pixels, b => b != 0);
    }

    public static TheoryData<string, string, string, int, int, string> GeneratedCases()
    {
        var data = new TheoryData<string, string, string, int, int, string>();
        using var doc = JsonDocument.Parse(File.ReadAllBytes(DataPath("expected.json")));
        foreach (var c in doc.RootElement.GetProperty("cases").EnumerateArray())
        {
            data.Add(
                c.GetProperty("file").GetString()!,
                c.GetProperty("pil_mode").GetString()!,
                c.GetProperty("format").GetString()!,
                c.GetProperty("width").GetInt32(),
                c.GetProperty("height").GetInt32(),
                c.GetProperty("rgb_sha256").GetString()!);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(GeneratedCases))]
    public void GeneratedImagesDecodeExactlyAsPil(string file, string pilMode, string format, int width, int height, string sha256)
    {
        // Every PIL mode of spec §7.1's table: RGB, RGBA, L, LA, P (+tRNS), 1, 16-bit gray (clipped), 16-bit RGB/RGBA/LA
        // (high byte), CMYK JPEG, progressive JPEG, EXIF-rotated JPEG (not rotated), GIF (transparent index, sub-frame,
        // animated: first frame), BMP, WebP lossy/lossless/alpha/animated. Expected hashes from Pillow 9.4.
        var bytes = File.ReadAllBytes(DataPath(file));
        var header = ImageDecoder.ReadHeader(bytes);
        Assert.Equal(format, header.Format.ToString().ToUpperInvariant());
        Assert.Equal((width, height), (header.Width, header.Height));
        var image = ImageDecoder.Decode(bytes);
        Assert.Equal((width, height), (image.Width, image.Height));
        Assert.True(
            Convert.ToHexStringLower(SHA256.HashData(image.Pixels)) == sha256,
            $"{file} (PIL mode {pilMode}) decodes differently from PIL's convert(\"RGB\")");
    }

    [Fact]
    public void SixteenBitGrayIsClippedNotScaled()
    {
        // gray16.png: the first 20 samples of row 0 are 0, 20, …, 380; PIL clips to 255.
        var image = ImageDecoder.Decode(File.ReadAllBytes(DataPath("gray16.png")));
        for (var x = 0; x < 20; x++)
        {
            var want = (byte)Math.Min(x * 20, 255);
            Assert.Equal([want, want, want], image.Pixels.AsSpan(x * 3, 3).ToArray());
        }
    }

    [Fact]
    public void TheSizeLimitIsCheckedBeforeDecoding()
    {
        var bytes = File.ReadAllBytes(Fixtures.Path("tiny-jina-v4", "images", "img_300x200.png"));
        var e = Assert.Throws<ImageException>(() => ImageDecoder.Decode(bytes, maxPixels: 59_999));
        Assert.Equal(ImageErrorKind.TooLarge, e.Kind);
        Assert.Contains("300×200", e.Message);
        Assert.Contains("59,999", e.Message);
        Assert.Equal(300, ImageDecoder.Decode(bytes, maxPixels: 60_000).Width);
    }
}
