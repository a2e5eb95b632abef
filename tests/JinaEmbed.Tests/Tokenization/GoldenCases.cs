// Reads the tokenizer fixtures (../shared/fixtures/tokenizer/README.md): golden.jsonl and truncation.jsonl.
using System.Text.Json;
using JinaEmbed.Tokenization;

namespace JinaEmbed.Tests.Tokenization;

internal static class GoldenCases
{
    private static readonly Lazy<List<JsonElement>> Golden = new(() => ReadJsonl("golden.jsonl"));
    private static readonly Lazy<Dictionary<string, Tokenizer>> Tokenizers = new(() => new()
    {
        ["A"] = Tokenizer.FromFile(Fixtures.Path("tokenizer", "tokenizer.replace-space.json")),
        ["B"] = Tokenizer.FromFile(Fixtures.Path("tokenizer", "tokenizer.strip-replace-metaspace.json")),
        ["C"] = Tokenizer.FromFile(Fixtures.Path("tokenizer", "tokenizer.precompiled-only.json")),
    });

    public static IReadOnlyList<JsonElement> All => Golden.Value;

    /// <summary>Variant A, B or C of the fixture tokenizer.json files.</summary>
    public static Tokenizer Variant(string name) => Tokenizers.Value[name];

    public static List<JsonElement> ReadJsonl(string file)
    {
        var list = new List<JsonElement>();
        foreach (var line in File.ReadLines(Fixtures.Path("tokenizer", file)))
        {
            if (line.Length > 0)
            {
                list.Add(JsonDocument.Parse(line).RootElement.Clone());
            }
        }

        return list;
    }

    public static int[] Ints(JsonElement array) => array.EnumerateArray().Select(x => x.GetInt32()).ToArray();

    public static (int, int)[] Pairs(JsonElement array) =>
        array.EnumerateArray().Select(x => (x[0].GetInt32(), x[1].GetInt32())).ToArray();

    public static string Show(string s) => JsonSerializer.Serialize(s.Length > 80 ? s[..80] + "…" : s);
}
