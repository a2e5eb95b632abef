// jinaembed tokenize: plain lines and JSONL in, JSONL ids/offsets out (issue #2).
using System.Text;
using System.Text.Json;
using JinaEmbed.Cli.Commands;

namespace JinaEmbed.Tests.Tokenization;

public class TokenizeCommandTests
{
    private static List<JsonElement> RunLines(string input, bool addSpecial, int? maxLength = null)
    {
        using var output = new MemoryStream();
        TokenizeCommand.Run(GoldenCases.Variant("A"), new StringReader(input), output, addSpecial, maxLength);
        return Encoding.UTF8.GetString(output.ToArray()).Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => JsonDocument.Parse(l).RootElement.Clone()).ToList();
    }

    [Fact]
    public void Plain_lines_and_jsonl_give_ids_and_offsets()
    {
        var rows = RunLines("hello <mask> world\n{\"text\": \"hello <mask> world\"}\n{not json\n", addSpecial: true);
        Assert.Equal(3, rows.Count);
        var expected = GoldenCases.Variant("A").Encode("hello <mask> world");
        foreach (var row in rows.Take(2))
        {
            Assert.Equal(expected.Ids, GoldenCases.Ints(row.GetProperty("ids")));
            Assert.Equal(expected.Offsets, GoldenCases.Pairs(row.GetProperty("offsets")));
        }

        Assert.Equal(GoldenCases.Variant("A").Encode("{not json").Ids, GoldenCases.Ints(rows[2].GetProperty("ids")));
    }

    [Fact]
    public void No_special_tokens_and_max_length_are_honoured()
    {
        var rows = RunLines("Hello world.\n", addSpecial: false);
        Assert.Equal([5184, 844, 4], GoldenCases.Ints(rows[0].GetProperty("ids")));
        var cut = RunLines("The quick brown fox jumps over the lazy dog while the cat watches from the window.\n", true, 8);
        Assert.Equal([0, 36, 764, 303, 4774, 912, 325, 2], GoldenCases.Ints(cut[0].GetProperty("ids")));
    }
}
