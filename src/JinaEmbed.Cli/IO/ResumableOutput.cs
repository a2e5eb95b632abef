// --resume (docs/bulk-embedding.md): what a killed `jinaembed embed` left behind is checked and cut back to whole rows,
// and the run's settings and input are compared with those recorded in <output>.progress when it started, so that
// only the same run continues. The sidecar is removed when the output is complete.
using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace JinaEmbed.Cli.IO;

/// <summary>How far a resumed output got: items, their width (0 when none), and (.npy multi-vectors) token rows.</summary>
internal sealed record ResumePoint(int Rows, int Dimensions, long TokenRows = 0);

internal static partial class ResumableOutput
{
    /// <summary>The sidecar of an output: <c>x.npy</c> → <c>x.npy.progress</c>.</summary>
    public static string ProgressPath(string outputPath) => outputPath + ".progress";

    /// <summary>SHA-256 (hex) of a file's bytes: the input's fingerprint.</summary>
    public static string HashFile(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }

    /// <summary>SHA-256 (hex) of the lines, each ended by a newline (the image files of --images, with sizes).</summary>
    public static string HashLines(IEnumerable<string> lines) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(string.Concat(lines.Select(l => l + "\n")))));

    /// <summary>Writes the settings that make the output what it is (input fingerprint included).</summary>
    public static void WriteProgress(string path, IReadOnlyDictionary<string, string> settings)
    {
        var json = JsonSerializer.SerializeToUtf8Bytes(new SortedDictionary<string, string>(settings.ToDictionary(), StringComparer.Ordinal), ProgressJsonContext.Default.SortedDictionaryStringString);
        File.WriteAllBytes(path, json);
    }

    /// <summary>The differences between this run's settings and those recorded in the sidecar, as readable lines (none: same run).</summary>
    /// <exception cref="InvalidDataException">The sidecar is not one this program wrote.</exception>
    public static List<string> CompareProgress(string path, IReadOnlyDictionary<string, string> settings)
    {
        SortedDictionary<string, string>? recorded;
        try
        {
            recorded = JsonSerializer.Deserialize(File.ReadAllBytes(path), ProgressJsonContext.Default.SortedDictionaryStringString);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path} is not a progress file of jinaembed embed: {e.Message}", e);
        }

        recorded ??= [];
        var differences = new List<string>();
        foreach (var key in settings.Keys.Union(recorded.Keys).Order(StringComparer.Ordinal))
        {
            var now = settings.GetValueOrDefault(key);
            var then = recorded.GetValueOrDefault(key);
            if (now != then)
            {
                differences.Add($"{key}: {then ?? "(none)"} when the output was started, {now ?? "(none)"} now");
            }
        }

        return differences;
    }

    /// <summary>
    /// Checks a JSONL output line by line (each complete line an object whose <c>index</c> is the next one and whose
    /// vector has the width of the first) and cuts it after the last such line: a torn line at the end is dropped.
    /// </summary>
    /// <exception cref="InvalidDataException">A complete line that is not the next row (the file is not this run's).</exception>
    public static ResumePoint RecoverJsonl(string path, bool multiVector, long firstIndex)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.ReadWrite);
        var line = new MemoryStream();
        var buffer = new byte[1 << 16];
        long position = 0, keep = 0;
        int rows = 0, dimensions = 0, read;
        while ((read = stream.Read(buffer)) > 0)
        {
            var span = buffer.AsSpan(0, read);
            while (span.Length > 0)
            {
                var newline = span.IndexOf((byte)'\n');
                if (newline < 0)
                {
                    line.Write(span);
                    position += span.Length;
                    break;
                }

                line.Write(span[..newline]);
                position += newline + 1;
                span = span[(newline + 1)..];
                var width = JsonlRowWidth(line.GetBuffer().AsMemory(0, (int)line.Length), firstIndex + rows, multiVector);
                if (width < 0 || (rows > 0 && width != dimensions))
                {
                    throw new InvalidDataException($"{path} line {rows + 1} is not row {firstIndex + rows} of this run's output ({(width < 0 ? "not a vector with that index" : $"{width} dimensions, the first row has {dimensions}")}); remove the file to start again.");
                }

                dimensions = width;
                rows++;
                keep = position;
                line.SetLength(0);
            }
        }

        stream.SetLength(keep);
        return new ResumePoint(rows, dimensions);
    }

    // The width of a JSONL row with the expected index (a multi-vector row: its token vectors' width), or -1.
    private static int JsonlRowWidth(ReadOnlyMemory<byte> line, long index, bool multiVector)
    {
        try
        {
            using var json = JsonDocument.Parse(line);
            var root = json.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("index", out var i) || !i.TryGetInt64(out var value) || value != index)
            {
                return -1;
            }

            if (multiVector)
            {
                return root.TryGetProperty("embeddings", out var e) && e.ValueKind == JsonValueKind.Array && e.GetArrayLength() > 0 && e[0].ValueKind == JsonValueKind.Array
                    ? e[0].GetArrayLength()
                    : -1;
            }

            return root.TryGetProperty("embedding", out var v) && v.ValueKind == JsonValueKind.Array ? v.GetArrayLength() : -1;
        }
        catch (JsonException)
        {
            return -1;
        }
    }

    /// <summary>
    /// Checks a .npy output this program started (its 128-byte float32 header) and cuts it to whole rows; rows written
    /// after the header's last rewrite are kept when whole.
    /// </summary>
    /// <exception cref="InvalidDataException">Not a float32 .npy with this program's header.</exception>
    public static ResumePoint RecoverNpy(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.ReadWrite);
        if (stream.Length < NpyVectorWriter.HeaderBytes)
        {
            // Killed before its header reached the disk: nothing to keep.
            stream.SetLength(0);
            stream.Write(NpyVectorWriter.Header(0, 0));
            return new ResumePoint(0, 0);
        }

        var shape = ReadShape(stream, path, "<f4");
        if (shape.Length != 2)
        {
            throw new InvalidDataException($"{path} holds a {shape.Length}-d array; this run writes (rows, dimensions).");
        }

        var width = checked((int)shape[1]);
        var whole = width == 0 ? 0 : (stream.Length - NpyVectorWriter.HeaderBytes) / (width * sizeof(float));
        stream.SetLength(NpyVectorWriter.HeaderBytes + (whole * width * sizeof(float)));
        return new ResumePoint(checked((int)whole), width);
    }

    /// <summary>
    /// Checks a multi-vector .npy pair: whole offsets (starting at 0, never decreasing) whose last one lies within the
    /// values' whole rows; cuts both back to the last item that is complete in both.
    /// </summary>
    public static ResumePoint RecoverNpyMulti(string valuesPath, string offsetsPath)
    {
        using var values = new FileStream(valuesPath, FileMode.Open, FileAccess.ReadWrite);
        using var offsets = new FileStream(offsetsPath, FileMode.OpenOrCreate, FileAccess.ReadWrite);
        if (values.Length < NpyVectorWriter.HeaderBytes || offsets.Length < NpyVectorWriter.HeaderBytes + sizeof(long))
        {
            return StartAgain(values, offsets);
        }

        var shape = ReadShape(values, valuesPath, "<f4");
        _ = ReadShape(offsets, offsetsPath, "<i8");
        var width = shape.Length == 2 ? (int)shape[1] : throw new InvalidDataException($"{valuesPath} is not a (rows, dimensions) array.");
        var valueRows = width == 0 ? 0 : (values.Length - NpyVectorWriter.HeaderBytes) / (width * sizeof(float));

        var entries = (offsets.Length - NpyVectorWriter.HeaderBytes) / sizeof(long);
        var bytes = new byte[entries * sizeof(long)];
        offsets.Position = NpyVectorWriter.HeaderBytes;
        offsets.ReadExactly(bytes);
        long items = -1, tokenRows = 0, previous = 0;
        for (var i = 0; i < entries; i++)
        {
            var offset = BinaryPrimitives.ReadInt64LittleEndian(bytes.AsSpan(i * sizeof(long)));
            if ((i == 0 && offset != 0) || offset < previous)
            {
                throw new InvalidDataException($"{offsetsPath} entry {i} ({offset}) is not an offset of this run's output; remove both files to start again.");
            }

            if (offset > valueRows)
            {
                break; // an item whose vectors did not all reach the disk
            }

            items = i;
            tokenRows = offset;
            previous = offset;
        }

        if (items < 0)
        {
            return StartAgain(values, offsets);
        }

        values.SetLength(NpyVectorWriter.HeaderBytes + (tokenRows * width * sizeof(float)));
        offsets.SetLength(NpyVectorWriter.HeaderBytes + ((items + 1) * sizeof(long)));
        return new ResumePoint(checked((int)items), width, tokenRows);
    }

    // Killed before the pair's headers and offsets[0] reached the disk: the pair as a new run begins it.
    private static ResumePoint StartAgain(FileStream values, FileStream offsets)
    {
        values.SetLength(0);
        values.Write(NpyVectorWriter.Header(0, 0));
        offsets.SetLength(0);
        offsets.Write(NpyVectorWriter.Header("<i8", "(1,)"));
        offsets.Write(new byte[sizeof(long)]);
        return new ResumePoint(0, 0);
    }

    private static long[] ReadShape(FileStream stream, string path, string descr)
    {
        var header = new byte[NpyVectorWriter.HeaderBytes];
        if (stream.Length < header.Length)
        {
            throw new InvalidDataException($"{path} is shorter than its .npy header; remove it to start again.");
        }

        stream.Position = 0;
        stream.ReadExactly(header);
        var text = Encoding.ASCII.GetString(header, 10, header.Length - 10);
        var match = HeaderPattern().Match(text);
        if (header[0] != 0x93 || Encoding.ASCII.GetString(header, 1, 5) != "NUMPY" || !match.Success || match.Groups[1].Value != descr)
        {
            throw new InvalidDataException($"{path} is not a {descr} .npy file written by jinaembed embed; remove it to start again.");
        }

        return match.Groups[2].Value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(s => long.Parse(s, CultureInfo.InvariantCulture)).ToArray();
    }

    [GeneratedRegex(@"^\{'descr': '([^']+)', 'fortran_order': False, 'shape': \(([0-9, ]*)\), \} *\n$")]
    private static partial Regex HeaderPattern();
}

[System.Text.Json.Serialization.JsonSerializable(typeof(SortedDictionary<string, string>))]
[System.Text.Json.Serialization.JsonSourceGenerationOptions(WriteIndented = true)]
internal sealed partial class ProgressJsonContext : System.Text.Json.Serialization.JsonSerializerContext;
