using System.Text;
using JinaEmbed.Images;

namespace JinaEmbed.Tests.Images;

/// <summary>Base64 and data: URIs (spec §7.7).</summary>
public sealed class ImageBase64Tests
{
    private static readonly byte[] Png = File.ReadAllBytes(Fixtures.Path("tiny-jina-v4", "images", "img_100x70.png"));

    [Fact]
    public void RawBase64WithAndWithoutPaddingAndWhitespace()
    {
        var b64 = Convert.ToBase64String(Png);
        Assert.Equal(Png, ImageBase64.Decode(b64));
        Assert.Equal(Png, ImageBase64.Decode(b64.TrimEnd('=')));
        var spaced = string.Join("\n", b64.Chunk(76).Select(c => new string(c))) + "\r\n ";
        Assert.Equal(Png, ImageBase64.Decode(spaced));
        Assert.Equal(100, ImageDecoder.Decode(ImageBase64.Decode(spaced)).Width);
    }

    [Fact]
    public void DataUriFormatComesFromTheBytes()
    {
        // The media type says JPEG, the bytes are a PNG: the signature wins.
        var uri = "data:image/jpeg;base64," + Convert.ToBase64String(Png);
        Assert.True(ImageBase64.IsInline(uri));
        var bytes = ImageBase64.Decode(uri);
        Assert.Equal(ImageFormat.Png, ImageDecoder.ReadHeader(bytes).Format);
        Assert.Equal(Png, ImageBase64.Decode("DATA:image/png;charset=x;base64," + Convert.ToBase64String(Png)));
    }

    [Theory]
    [InlineData("http://example.com/a.png", false)]
    [InlineData("https://example.com/a.png", false)]
    [InlineData("file:///etc/passwd", false)]
    [InlineData("ftp://host/x.png", false)]
    [InlineData("s3+x.y-z:bucket/key", false)]
    [InlineData("data:image/png;base64,AAAA", true)]
    [InlineData("iVBORw0KGgoAAAANSUhEUgAA", true)]
    [InlineData("/9j/4AAQSkZJRgABAQ==", true)]
    public void IsInlineRoutesUrlsToTheHost(string text, bool inline) => Assert.Equal(inline, ImageBase64.IsInline(text));

    [Theory]
    [InlineData("data:text/plain;base64,aGVsbG8=", "text/plain")]
    [InlineData("data:;base64,aGVsbG8=", "media type")]
    [InlineData("data:image/png,rawbytes", "not base64")]
    [InlineData("data:image/png;base64", "no ','")]
    [InlineData("", "empty")]
    [InlineData("   ", "empty")]
    [InlineData("iVBOR$w0KGgo", "character '$' at position 5")]
    [InlineData("iVBO=Rw0", "padding in the middle")]
    [InlineData("iVBORw0KG", "length")]
    [InlineData("https://example.com/a.png", "'https:' URL")]
    [InlineData("data:image/png;base64,", "empty")]
    public void MalformedInputIsInvalidWithAClearMessage(string text, string expected)
    {
        var e = Assert.Throws<ImageException>(() => ImageBase64.Decode(text));
        Assert.Equal(ImageErrorKind.Invalid, e.Kind);
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void NonAsciiIsNamed()
    {
        var e = Assert.Throws<ImageException>(() => ImageBase64.Decode("iVBO\u00e9Rw0"));
        Assert.Contains("U+00E9", e.Message);
        Assert.Equal("hello", Encoding.ASCII.GetString(ImageBase64.Decode("aGVsbG8")));
    }
}
