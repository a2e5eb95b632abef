// Reads the byte-level BPE fixtures (../shared/fixtures/tokenizer-bpe/README.md): the Qwen2.5 tokenizer.json of
// jina-embeddings-v4 and golden.jsonl (889 cases from HF tokenizers, keyed by their unique "source").
using System.Text.Json;
using JinaEmbed.Tokenization;

namespace JinaEmbed.Tests.Tokenization;

internal static class BpeGoldenCases
{
    private static readonly Lazy<Dictionary<string, JsonElement>> Golden = new(Read);
    private static readonly Lazy<Tokenizer> Qwen = new(() => Tokenizer.FromFile(Fixtures.Path("tokenizer-bpe", "tokenizer.json")));

    /// <summary>The Qwen2.5 tokenizer (loaded once per test run).</summary>
    public static Tokenizer Tokenizer => Qwen.Value;

    public static IReadOnlyDictionary<string, JsonElement> BySource => Golden.Value;

    /// <summary>Theory data: one row per golden case, named by its source.</summary>
    public static TheoryData<string> Sources()
    {
        var data = new TheoryData<string>();
        foreach (var source in Golden.Value.Keys)
        {
            data.Add(source);
        }

        return data;
    }

    private static Dictionary<string, JsonElement> Read()
    {
        var cases = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        foreach (var line in File.ReadLines(Fixtures.Path("tokenizer-bpe", "golden.jsonl")))
        {
            if (line.Length > 0)
            {
                var row = JsonDocument.Parse(line).RootElement.Clone();
                cases.Add(row.GetProperty("source").GetString()!, row);
            }
        }

        return cases;
    }
}
