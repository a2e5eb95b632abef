// Writes a tokenizer.json like jina-v3's (same components as the source file, 250002 pieces in the XLM-R layout)
// to measure loading a full-size vocabulary.
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace JinaEmbed.TokenizerBench;

internal static class LargeVocabulary
{
    public static string Write(string sourceTokenizer, int size)
    {
        var root = JsonNode.Parse(File.ReadAllText(sourceTokenizer))!.AsObject();
        var model = root["model"]!.AsObject();
        var old = model["vocab"]!.AsArray();
        var pieces = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var entry in old)
        {
            var p = entry![0]!.GetValue<string>();
            if (seen.Add(p) && p != "<mask>")
            {
                pieces.Add(p);
            }
        }

        var rng = new Random(5);
        var letters = pieces.Where(p => p.Length == 1 && p != "\u2581").ToArray();
        while (pieces.Count < size - 1)
        {
            var sb = new StringBuilder(rng.Next(2) == 0 ? "\u2581" : string.Empty);
            var len = 2 + rng.Next(6);
            for (var k = 0; k < len; k++)
            {
                sb.Append(letters[rng.Next(letters.Length)]);
            }

            var s = sb.ToString();
            if (seen.Add(s))
            {
                pieces.Add(s);
            }
        }

        var path = Path.Combine(Path.GetTempPath(), $"jinaembed-bench-vocab-{Environment.ProcessId}.json");
        using (var stream = File.Create(path))
        using (var writer = new Utf8JsonWriter(stream))
        {
            writer.WriteStartObject();
            foreach (var (key, value) in root)
            {
                if (key == "model")
                {
                    continue;
                }

                writer.WritePropertyName(key);
                if (key == "added_tokens" && value is JsonArray added)
                {
                    writer.WriteStartArray();
                    foreach (var t in added)
                    {
                        var copy = t!.DeepClone().AsObject();
                        if (copy["content"]!.GetValue<string>() == "<mask>")
                        {
                            copy["id"] = size - 1;
                        }

                        copy.WriteTo(writer);
                    }

                    writer.WriteEndArray();
                }
                else if (value is null)
                {
                    writer.WriteNullValue();
                }
                else
                {
                    value.WriteTo(writer);
                }
            }

            writer.WriteStartObject("model");
            writer.WriteString("type", "Unigram");
            writer.WriteNumber("unk_id", 3);
            writer.WriteStartArray("vocab");
            for (var i = 0; i < pieces.Count; i++)
            {
                writer.WriteStartArray();
                writer.WriteStringValue(pieces[i]);
                writer.WriteNumberValue(i < 4 ? 0.0 : -(2.0 + (i * 13.0 / size) + (rng.NextDouble() * 0.1)));
                writer.WriteEndArray();
            }

            writer.WriteStartArray();
            writer.WriteStringValue("<mask>");
            writer.WriteNumberValue(0.0);
            writer.WriteEndArray();
            writer.WriteEndArray();
            writer.WriteBoolean("byte_fallback", false);
            writer.WriteEndObject();
            writer.WriteEndObject();
        }

        return path;
    }
}
