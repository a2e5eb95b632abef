using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;
using JinaEmbed.Images;

namespace JinaEmbed.Tests.Images;

/// <summary>
/// Hostile and malformed inputs: every one ends in an <see cref="ImageException"/> of the right kind whose message says
/// what is wrong — never another exception, a crash or a hang — and size limits are enforced from the header.
/// </summary>
public sealed class HostileImageTests
{
    private static readonly byte[] Png = File.ReadAllBytes(Fixtures.Path("tiny-jina-v4", "images", "img_100x70.png"));
    private static readonly byte[] Jpeg = File.ReadAllBytes(Fixtures.Path("tiny-jina-v4", "images", "photo_160x120.jpg"));

    private static ImageException Refused(byte[] data, ImageErrorKind kind, string messagePart, long maxPixels = ImageDecoder.DefaultMaxPixels)
    {
        var e = Assert.Throws<ImageException>(() => ImageDecoder.Decode(data, maxPixels));
        Assert.Equal(kind, e.Kind);
        Assert.Contains(messagePart, e.Message, StringComparison.OrdinalIgnoreCase);
        return e;
    }

    // ---- PNG construction helpers (our own encoder for hostile files) ----

    private static byte[] Chunk(string type, ReadOnlySpan<byte> body, bool badCrc = false)
    {
        var result = new byte[12 + body.Length];
        BinaryPrimitives.WriteUInt32BigEndian(result, (uint)body.Length);
        Encoding.ASCII.GetBytes(type).CopyTo(result, 4);
        body.CopyTo(result.AsSpan(8));
        var crc = Crc(result.AsSpan(4, 4 + body.Length)) ^ (badCrc ? 1u : 0u);
        BinaryPrimitives.WriteUInt32BigEndian(result.AsSpan(8 + body.Length), crc);
        return result;
    }

    private static uint Crc(ReadOnlySpan<byte> bytes)
    {
        var c = 0xFFFFFFFFu;
        foreach (var b in bytes)
        {
            c ^= b;
            for (var k = 0; k < 8; k++)
            {
                c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            }
        }

        return c ^ 0xFFFFFFFFu;
    }

    private static byte[] Ihdr(uint width, uint height, byte depth = 8, byte colorType = 2, byte interlace = 0)
    {
        var body = new byte[13];
        BinaryPrimitives.WriteUInt32BigEndian(body, width);
        BinaryPrimitives.WriteUInt32BigEndian(body.AsSpan(4), height);
        body[8] = depth;
        body[9] = colorType;
        body[12] = interlace;
        return Chunk("IHDR", body);
    }

    private static byte[] Deflate(long zeroBytes, Func<long, byte>? value = null)
    {
        using var ms = new MemoryStream();
        using (var z = new ZLibStream(ms, CompressionLevel.SmallestSize, leaveOpen: true))
        {
            var buffer = new byte[1 << 16];
            for (long done = 0; done < zeroBytes; done += buffer.Length)
            {
                var n = (int)Math.Min(buffer.Length, zeroBytes - done);
                if (value != null)
                {
                    for (var i = 0; i < n; i++)
                    {
                        buffer[i] = value(done + i);
                    }
                }

                z.Write(buffer, 0, n);
            }
        }

        return ms.ToArray();
    }

    private static byte[] PngFile(params byte[][] chunks) => [.. new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A }, .. chunks.SelectMany(c => c)];

    private static byte[] ValidPng(int width, int height, byte depth = 8, byte colorType = 2)
    {
        var channels = colorType switch { 0 => 1, 2 => 3, 4 => 2, _ => 4 };
        var row = 1 + (width * channels * depth / 8);
        return PngFile(Ihdr((uint)width, (uint)height, depth, colorType), Chunk("IDAT", Deflate((long)row * height, i => (byte)(i % row == 0 ? 0 : i * 7))), Chunk("IEND", []));
    }

    // ---- the cases ----

    [Fact]
    public void ZeroBytes() => Refused([], ImageErrorKind.Invalid, "empty");

    [Fact]
    public void WrongMagic() => Refused(Encoding.ASCII.GetBytes("%PDF-1.7 not an image at all"), ImageErrorKind.Invalid, "Unknown image format");

    [Fact]
    public void RandomBytes()
    {
        var data = new byte[4096];
        new Random(42).NextBytes(data);
        data[0] = 0x00; // not accidentally a signature
        Refused(data, ImageErrorKind.Invalid, "Unknown image format");
    }

    [Fact]
    public void TruncatedSignature() => Refused(Png[..5], ImageErrorKind.Invalid, "truncated");

    [Fact]
    public void TruncatedPngHeader() => Refused(Png[..20], ImageErrorKind.Invalid, "truncated");

    [Fact]
    public void TruncatedPng() => Refused(Png[..(Png.Length / 2)], ImageErrorKind.Invalid, "truncated");

    [Fact]
    public void TruncatedJpeg() => Refused(Jpeg[..(Jpeg.Length / 2)], ImageErrorKind.Invalid, "truncated");

    [Fact]
    public void JpegWithoutFrameHeader() => Refused(Jpeg[..20], ImageErrorKind.Invalid, "before its frame header");

    [Fact]
    public void PngWidthZero() => Refused(PngFile(Ihdr(0, 10), Chunk("IEND", [])), ImageErrorKind.Invalid, "size of 0×10");

    [Fact]
    public void JpegHeightZero()
    {
        var data = (byte[])Jpeg.Clone();
        var sof = FindSof(data);
        data[sof + 5] = 0;
        data[sof + 6] = 0; // height (DNL-style 0) at SOF + 5
        Refused(data, ImageErrorKind.Invalid, "both sides must be at least 1");
    }

    [Fact]
    public void HugeHeaderOnATinyFileIsTooLargeBeforeDecoding()
    {
        var data = PngFile(Ihdr(30000, 30000), Chunk("IDAT", Deflate(100)), Chunk("IEND", []));
        var before = GC.GetAllocatedBytesForCurrentThread();
        var e = Refused(data, ImageErrorKind.TooLarge, "30000×30000");
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 1_000_000, "pixels were allocated before the size check");
        Assert.Contains("900,000,000 pixels", e.Message);
        Assert.Contains("limit of 20,000,000", e.Message);
    }

    [Fact]
    public void PngBombIsTooLargeFromTheHeader()
    {
        // A real, valid PNG: 6000×4000 gray zeros (24 MB of pixels) compresses to a few kilobytes.
        var data = PngFile(Ihdr(6000, 4000, 8, 0), Chunk("IDAT", Deflate(6001L * 4000)), Chunk("IEND", []));
        Assert.True(data.Length < 100_000, $"bomb is {data.Length} bytes");
        var before = GC.GetAllocatedBytesForCurrentThread();
        Refused(data, ImageErrorKind.TooLarge, "6000×4000");
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 1_000_000, "the bomb was (partly) decoded");
    }

    [Fact]
    public void SixteenBitPngBombIsTooLarge() =>
        Refused(PngFile(Ihdr(5000, 5000, 16, 0), Chunk("IDAT", Deflate(10001L * 100)), Chunk("IEND", [])), ImageErrorKind.TooLarge, "5000×5000");

    [Fact]
    public void SideAboveTheFormatLimitIsTooLarge() =>
        Refused(PngFile(Ihdr(int.MaxValue, 1), Chunk("IEND", [])), ImageErrorKind.TooLarge, "a side above");

    [Fact]
    public void PngWithBadCrc()
    {
        var body = Deflate(301 * 2, i => (byte)(i % 301 == 0 ? 0 : i));
        var data = PngFile(Ihdr(100, 2), Chunk("IDAT", body, badCrc: true), Chunk("IEND", []));
        Refused(data, ImageErrorKind.Invalid, "PNG");
        var data16 = PngFile(Ihdr(10, 2, 16, 0), Chunk("IDAT", Deflate(21 * 2), badCrc: true), Chunk("IEND", []));
        Refused(data16, ImageErrorKind.Invalid, "bad CRC in chunk 'IDAT'");
    }

    [Fact]
    public void PngWithoutImageData()
    {
        Refused(PngFile(Ihdr(10, 10), Chunk("IEND", [])), ImageErrorKind.Invalid, "PNG");
        Refused(PngFile(Ihdr(10, 10, 16, 2), Chunk("IEND", [])), ImageErrorKind.Invalid, "no image data (IDAT)");
    }

    [Fact]
    public void PngWithAnInvalidBitDepth() =>
        Refused(PngFile(Ihdr(10, 10, 4, 2), Chunk("IEND", [])), ImageErrorKind.Invalid, "invalid bit depth 4 for colour type 2");

    [Fact]
    public void PngWhoseFirstChunkIsNotIhdr()
    {
        var data = PngFile(Chunk("gAMA", new byte[4]), Ihdr(10, 10), Chunk("IEND", []));
        Refused(data, ImageErrorKind.Invalid, "IHDR");
    }

    [Fact]
    public void PngWithGarbageCompressedData()
    {
        var garbage = new byte[200];
        new Random(3).NextBytes(garbage);
        Refused(PngFile(Ihdr(10, 10), Chunk("IDAT", garbage), Chunk("IEND", [])), ImageErrorKind.Invalid, "PNG");
        Refused(PngFile(Ihdr(10, 10, 16, 6), Chunk("IDAT", garbage), Chunk("IEND", [])), ImageErrorKind.Invalid, "PNG image is corrupt");
    }

    [Fact]
    public void SixteenBitPngTruncatedOrWithABadFilter()
    {
        var full = Deflate(21L * 10, i => (byte)(i % 21 == 0 ? 0 : i));
        Refused(PngFile(Ihdr(10, 10, 16, 0), Chunk("IDAT", Deflate(21L * 5)), Chunk("IEND", [])), ImageErrorKind.Invalid, "truncated");
        Refused(PngFile(Ihdr(10, 10, 16, 0), Chunk("IDAT", Deflate(21L * 10, i => (byte)(i % 21 == 0 ? 9 : 1))), Chunk("IEND", [])), ImageErrorKind.Invalid, "unknown row filter 9");
        Refused(PngFile(Ihdr(10, 10, 16, 0), Chunk("IDAT", full)[..20]), ImageErrorKind.Invalid, "runs past the end");
        Assert.Equal(10, ImageDecoder.Decode(PngFile(Ihdr(10, 10, 16, 0), Chunk("IDAT", full), Chunk("IEND", []))).Width);
    }

    [Fact]
    public void JpegWithACorruptHuffmanTable()
    {
        var data = (byte[])Jpeg.Clone();
        var dht = FindMarker(data, 0xC4);
        // The 16 code-length counts: claim far more codes than exist (an over-subscribed table).
        for (var i = 0; i < 16; i++)
        {
            data[dht + 5 + i] = 0xFF;
        }

        Refused(data, ImageErrorKind.Invalid, "JPEG");
    }

    [Fact]
    public void JpegWithAnUnsupportedCodingProcess()
    {
        var data = (byte[])Jpeg.Clone();
        data[FindSof(data) + 1] = 0xC3; // lossless
        Refused(data, ImageErrorKind.Invalid, "unsupported coding process (SOF3)");
    }

    [Fact]
    public void TwelveBitJpeg()
    {
        var data = (byte[])Jpeg.Clone();
        data[FindSof(data) + 4] = 12;
        Refused(data, ImageErrorKind.Invalid, "12-bit samples");
    }

    [Fact]
    public void JpegHeaderAboveTheLimit()
    {
        var data = (byte[])Jpeg.Clone();
        var sof = FindSof(data);
        BinaryPrimitives.WriteUInt16BigEndian(data.AsSpan(sof + 5), 60000);
        BinaryPrimitives.WriteUInt16BigEndian(data.AsSpan(sof + 7), 60000);
        Refused(data, ImageErrorKind.TooLarge, "60000×60000");
    }

    [Fact]
    public void JpegScanCountIsBounded()
    {
        var progressive = File.ReadAllBytes(ImageDecoderTests.DataPath("progressive.jpg"));
        var scans = HeaderReader.CountJpegScans(progressive);
        Assert.InRange(scans, 2, 20);
        Assert.Equal(1, HeaderReader.CountJpegScans(Jpeg));

        // Repeat the last scan (SOS header + its entropy-coded data) 300 times before EOI: a scan bomb.
        var lastSos = progressive.AsSpan().LastIndexOf(new byte[] { 0xFF, 0xDA });
        var eoi = progressive.Length - 2;
        var scan = progressive[lastSos..eoi];
        var bomb = new List<byte>(progressive[..eoi]);
        for (var k = 0; k < 300; k++)
        {
            bomb.AddRange(scan);
        }

        bomb.AddRange(new byte[] { 0xFF, 0xD9 });
        Assert.Equal(scans + 300, HeaderReader.CountJpegScans([.. bomb]));
        Refused([.. bomb], ImageErrorKind.Invalid, $"has {scans + 300} scans, above the limit of 256");
    }

    [Fact]
    public void GifWithTruncatedLzw()
    {
        var gif = File.ReadAllBytes(ImageDecoderTests.DataPath("gif.gif"));
        Refused(gif[..(gif.Length / 2)], ImageErrorKind.Invalid, "GIF");
    }

    [Fact]
    public void GifHeaderOnlyOrZeroSize()
    {
        var gif = File.ReadAllBytes(ImageDecoderTests.DataPath("gif.gif"));
        Refused(gif[..13], ImageErrorKind.Invalid, "GIF");
        var zero = (byte[])gif.Clone();
        zero[6] = zero[7] = 0;
        Refused(zero, ImageErrorKind.Invalid, "size of 0×37");
        Refused(gif[..10], ImageErrorKind.Invalid, "truncated in its header");
    }

    [Fact]
    public void BmpWithAbsurdHeaders()
    {
        var bmp = File.ReadAllBytes(ImageDecoderTests.DataPath("rgb.bmp"));
        var huge = (byte[])bmp.Clone();
        BinaryPrimitives.WriteInt32LittleEndian(huge.AsSpan(18), 100_000);
        BinaryPrimitives.WriteInt32LittleEndian(huge.AsSpan(22), 100_000);
        Refused(huge, ImageErrorKind.TooLarge, "100000×100000");
        var negative = (byte[])bmp.Clone();
        BinaryPrimitives.WriteInt32LittleEndian(negative.AsSpan(18), -5);
        Refused(negative, ImageErrorKind.Invalid, "size of -5×37");
        var dib = (byte[])bmp.Clone();
        BinaryPrimitives.WriteUInt32LittleEndian(dib.AsSpan(14), 7);
        Refused(dib, ImageErrorKind.Invalid, "unknown info header size 7");
        var bits = (byte[])bmp.Clone();
        BinaryPrimitives.WriteUInt16LittleEndian(bits.AsSpan(28), 7);
        Refused(bits, ImageErrorKind.Invalid, "bit count 7");
        Refused(bmp[..(bmp.Length / 3)], ImageErrorKind.Invalid, "BMP");
    }

    [Fact]
    public void WebPTruncated()
    {
        foreach (var file in new[] { "lossy.webp", "lossless.webp" })
        {
            var webp = File.ReadAllBytes(ImageDecoderTests.DataPath(file));
            Refused(webp[..(webp.Length / 2)], ImageErrorKind.Invalid, "WebP");
            Refused(webp[..20], ImageErrorKind.Invalid, "truncated in its header");
        }
    }

    [Fact]
    public void WebPWithAnUnknownChunk()
    {
        var webp = File.ReadAllBytes(ImageDecoderTests.DataPath("lossy.webp"));
        Encoding.ASCII.GetBytes("ABCD").CopyTo(webp, 12);
        Refused(webp, ImageErrorKind.Invalid, "unknown first chunk 'ABCD'");
    }

    [Fact]
    public void ExtremeAspectDecodesButIsRefusedAtPreprocess()
    {
        var image = ImageDecoder.Decode(ValidPng(40000, 1));
        Assert.Equal((40000, 1), (image.Width, image.Height));
        var e = Assert.Throws<ImageException>(() => new ImagePreprocessor(ImagePreprocessorConfig.Default).Preprocess(image));
        Assert.Equal(ImageErrorKind.Invalid, e.Kind);
        Assert.Contains("aspect ratio 40000 is above the limit of 200", e.Message);
        var tall = ImageDecoder.Decode(ValidPng(1, 40000, 16, 0));
        Assert.Throws<ImageException>(() => new ImagePreprocessor(ImagePreprocessorConfig.Default).Preprocess(tall));
    }

    [Fact]
    public void CmykJpegAndSixteenBitPngAndAnimatedGifDecode()
    {
        // Decoded per spec §7.1's rules; the exact bytes are checked against PIL in ImageDecoderTests.
        Assert.Equal(53, ImageDecoder.Decode(File.ReadAllBytes(ImageDecoderTests.DataPath("cmyk.jpg"))).Width);
        Assert.Equal(43, ImageDecoder.Decode(File.ReadAllBytes(ImageDecoderTests.DataPath("rgb16_adam7_filters.png"))).Width);
        var first = ImageDecoder.Decode(File.ReadAllBytes(ImageDecoderTests.DataPath("anim.gif")));
        var single = ImageDecoder.Decode(File.ReadAllBytes(ImageDecoderTests.DataPath("gif.gif")));
        Assert.Equal((single.Width, single.Height), (first.Width, first.Height));
    }

    [Fact]
    public void UnknownFormatsNameWhatIsAccepted()
    {
        var tiff = new byte[] { 0x49, 0x49, 0x2A, 0x00, 8, 0, 0, 0, 0, 0 };
        var e = Refused(tiff, ImageErrorKind.Invalid, "accepted: PNG, JPEG, WebP, GIF, BMP");
        Assert.Contains("49492A00", e.Message);
    }

    private static int FindMarker(byte[] data, byte marker)
    {
        var i = 2;
        while (i + 4 < data.Length)
        {
            if (data[i] != 0xFF)
            {
                throw new InvalidOperationException("not at a marker");
            }

            if (data[i + 1] == marker)
            {
                return i;
            }

            i += 2 + BinaryPrimitives.ReadUInt16BigEndian(data.AsSpan(i + 2));
        }

        throw new InvalidOperationException($"marker {marker:X2} not found");
    }

    /// <summary>Offset of the SOF marker's 0xFF; precision at +4, height at +5, width at +7.</summary>
    private static int FindSof(byte[] data) => FindMarker(data, 0xC0);
}
