// Reads the texts of `jinaembed embed` from lines, JSONL or a CSV column, streaming and in order (issue #7).
using System.Text.Json;
using JinaEmbed.Embedding;

namespace JinaEmbed.Cli.IO;

internal static class TextInput
{
    /// <summary>The texts of the input, in order.</summary>
    /// <param name="field">JSONL: the object field holding the text. CSV: the header name, or a 0-based column number.</param>
    /// <exception cref="InvalidDataException">A line or record that does not hold a text, named by its line/record number.</exception>
    public static IEnumerable<string> Read(TextReader reader, InputFormat format, string field = "text") =>
        ReadInputs(reader, format, field).Select((input, i) => input.Text ?? throw new InvalidDataException($"Item {i + 1} holds token ids where a text is expected."));

    /// <summary>
    /// The inputs, in order: texts, or (JSONL objects with an <c>input_ids</c> integer array) pre-tokenized ids, or
    /// (JSONL objects with an <c>image</c> string) images: a file path relative to <paramref name="imageDirectory"/>
    /// (default: the current folder), or base64 / a data: URI.
    /// </summary>
    /// <exception cref="InvalidDataException">A line or record that holds none of these, named by its line/record number.</exception>
    public static IEnumerable<EmbeddingInput> ReadInputs(TextReader reader, InputFormat format, string field = "text", string? imageDirectory = null) => format switch
    {
        InputFormat.Text => ReadLines(reader).Select(EmbeddingInput.FromText),
        InputFormat.Jsonl => ReadJsonl(reader, field, imageDirectory ?? Directory.GetCurrentDirectory()),
        InputFormat.Csv => ReadCsv(reader, field).Select(EmbeddingInput.FromText),
        _ => throw new ArgumentOutOfRangeException(nameof(format)),
    };

    /// <summary>The format a file name implies: .jsonl/.ndjson, .csv, else plain lines.</summary>
    public static InputFormat FromExtension(string? path) => Path.GetExtension(path ?? "").ToLowerInvariant() switch
    {
        ".jsonl" or ".ndjson" => InputFormat.Jsonl,
        ".csv" => InputFormat.Csv,
        _ => InputFormat.Text,
    };

    private static IEnumerable<string> ReadLines(TextReader reader)
    {
        for (var line = reader.ReadLine(); line != null; line = reader.ReadLine())
        {
            yield return line;
        }
    }

    private static IEnumerable<EmbeddingInput> ReadJsonl(TextReader reader, string field, string imageDirectory)
    {
        var number = 0;
        for (var line = reader.ReadLine(); line != null; line = reader.ReadLine())
        {
            number++;
            if (string.IsNullOrWhiteSpace(line))
            {
                continue; // blank lines separate nothing in JSONL
            }

            string? text;
            string? image = null;
            int[]? ids = null;
            try
            {
                using var json = JsonDocument.Parse(line);
                var root = json.RootElement;
                if (root.ValueKind == JsonValueKind.Object && root.TryGetProperty("input_ids", out var idArray) && idArray.ValueKind == JsonValueKind.Array)
                {
                    // Pre-tokenized input: used as is (no prompt, no special tokens added).
                    ids = idArray.EnumerateArray().Select(e => e.GetInt32()).ToArray();
                }
                else if (root.ValueKind == JsonValueKind.Object && root.TryGetProperty("image", out var imageValue) && !root.TryGetProperty(field, out _))
                {
                    // An image record (jina-embeddings-v4): a path or base64, resolved below.
                    image = imageValue.ValueKind == JsonValueKind.String
                        ? imageValue.GetString()
                        : throw new InvalidDataException($"JSONL line {number}: \"image\" must be a string (a file path, base64 or a data: URI).");
                }

                text = root.ValueKind switch
                {
                    JsonValueKind.String => root.GetString(),
                    JsonValueKind.Object when root.TryGetProperty(field, out var value) && value.ValueKind == JsonValueKind.String => value.GetString(),
                    _ => null,
                };
            }
            catch (Exception e) when (e is JsonException or FormatException or InvalidOperationException)
            {
                throw new InvalidDataException($"JSONL line {number} is not valid JSON input: {e.Message}", e);
            }

            if (ids != null)
            {
                yield return EmbeddingInput.FromTokenIds(ids);
                continue;
            }

            if (image != null)
            {
                yield return ImageInput.FromRecord(image, imageDirectory, number);
                continue;
            }

            yield return text != null ? EmbeddingInput.FromText(text) : throw new InvalidDataException($"JSONL line {number} has no string field \"{field}\" (use --field to name it), \"image\" nor \"input_ids\".");
        }
    }

    private static IEnumerable<string> ReadCsv(TextReader reader, string column)
    {
        using var records = CsvReader.ReadRecords(reader).GetEnumerator();
        if (!records.MoveNext())
        {
            yield break;
        }

        var header = records.Current;
        var index = header.FindIndex(h => h.Trim() == column);
        if (index < 0 && !int.TryParse(column, out index))
        {
            throw new InvalidDataException($"The CSV header has no column \"{column}\" (columns: {string.Join(", ", header)}); use --column.");
        }

        var number = 1;
        while (records.MoveNext())
        {
            number++;
            var record = records.Current;
            if (record is [""])
            {
                continue; // an empty line
            }

            yield return index < record.Count ? record[index] : throw new InvalidDataException($"CSV record {number} has no column {index} (\"{column}\").");
        }
    }
}
