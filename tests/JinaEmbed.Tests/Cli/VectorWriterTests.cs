// Vector outputs of `jinaembed embed`: JSONL, .npy (header patched with the row count), CSV (issue #7).
using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using JinaEmbed.Cli.IO;

namespace JinaEmbed.Tests.Cli;

public sealed class VectorWriterTests
{
    private static readonly float[][] Vectors = [[0.1f, -2.5f, 3e-8f], [1f, 0f, -0.333333343f]];

    private static async Task<byte[]> WriteAsync(OutputFormat format)
    {
        using var stream = new MemoryStream();
        await using (var writer = VectorWriter.Create(format, stream))
        {
            foreach (var vector in Vectors)
            {
                await writer.WriteAsync(vector);
            }

            await writer.CompleteAsync();
        }

        return stream.ToArray();
    }

    [Fact]
    public async Task Jsonl_RoundTripsEveryFloat()
    {
        var lines = Encoding.UTF8.GetString(await WriteAsync(OutputFormat.Jsonl)).Split('\n', StringSplitOptions.RemoveEmptyEntries);

        Assert.Equal(2, lines.Length);
        for (var i = 0; i < lines.Length; i++)
        {
            using var json = JsonDocument.Parse(lines[i]);
            Assert.Equal(i, json.RootElement.GetProperty("index").GetInt32());
            Assert.Equal(Vectors[i], json.RootElement.GetProperty("embedding").EnumerateArray().Select(e => e.GetSingle()).ToArray());
        }
    }

    [Fact]
    public async Task Npy_HasTheShapeAndLittleEndianFloats()
    {
        var bytes = await WriteAsync(OutputFormat.Npy);

        Assert.Equal(new byte[] { 0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', 1, 0 }, bytes[..8]);
        var headerLength = BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(8));
        var header = Encoding.ASCII.GetString(bytes, 10, headerLength);
        Assert.Equal(0, (10 + headerLength) % 64);
        Assert.StartsWith("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }", header, StringComparison.Ordinal);
        Assert.EndsWith("\n", header, StringComparison.Ordinal);
        var data = bytes.AsSpan(10 + headerLength);
        Assert.Equal(2 * 3 * 4, data.Length);
        Assert.Equal(-0.333333343f, BinaryPrimitives.ReadSingleLittleEndian(data[20..]));
    }

    [Fact]
    public async Task Csv_HasAHeaderAndRoundTripFloats()
    {
        var text = Encoding.UTF8.GetString(await WriteAsync(OutputFormat.Csv));

        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("index,e0,e1,e2", lines[0]);
        Assert.Equal(Vectors[1], lines[2].Split(',').Skip(1).Select(v => float.Parse(v, System.Globalization.CultureInfo.InvariantCulture)).ToArray());
    }

    [Fact]
    public void Npy_RefusesAStreamItCannotRewind() =>
        Assert.Throws<ArgumentException>(() => VectorWriter.Create(OutputFormat.Npy, new UnseekableStream()));

    private sealed class UnseekableStream : MemoryStream
    {
        public override bool CanSeek => false;
    }
}
