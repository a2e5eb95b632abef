// The benchmark corpus: multilingual lines from the fixtures (Tatoeba sentences of 48 languages, the multilingual
// paragraph split into sentences, STS benchmark English sentences), shuffled into new lines until the size is reached.
using System.Text;
using System.Text.Json;

namespace JinaEmbed.TokenizerBench;

internal static class Corpus
{
    public static string[] Build(string shared, string? file, long targetBytes)
    {
        var pool = new List<string>();
        if (file != null)
        {
            pool.AddRange(File.ReadLines(file).Where(l => l.Length > 0));
        }
        else
        {
            foreach (var line in File.ReadLines(Path.Combine(shared, "fixtures", "tokenizer", "golden.jsonl")))
            {
                var text = JsonDocument.Parse(line).RootElement.GetProperty("text").GetString()!;
                if (text.Length > 1000)
                {
                    pool.AddRange(text.Split(". ", StringSplitOptions.RemoveEmptyEntries));
                }
                else if (text.Length > 0)
                {
                    pool.Add(text);
                }
            }

            foreach (var csv in Directory.GetFiles(Path.Combine(shared, "datasets", "stsbenchmark"), "*.csv"))
            {
                foreach (var line in File.ReadLines(csv))
                {
                    var cols = line.Split('\t');
                    if (cols.Length >= 7)
                    {
                        pool.Add(cols[5]);
                        pool.Add(cols[6]);
                    }
                }
            }
        }

        var rng = new Random(42);
        var lines = new List<string>();
        long bytes = 0;
        var sb = new StringBuilder();
        while (bytes < targetBytes)
        {
            // 1–4 random sentences per line: new combinations, realistic line lengths.
            sb.Clear();
            var n = 1 + rng.Next(4);
            for (var k = 0; k < n; k++)
            {
                sb.Append(k > 0 ? " " : string.Empty).Append(pool[rng.Next(pool.Count)]);
            }

            var s = sb.ToString();
            lines.Add(s);
            bytes += Encoding.UTF8.GetByteCount(s) + 1;
        }

        return [.. lines];
    }
}
