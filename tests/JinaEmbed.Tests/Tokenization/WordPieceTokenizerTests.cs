// WordPiece / BERT tokenizer.json parity (issue #9): all-MiniLM-L6-v2's HF input_ids in expected.json, offsets that
// cover the token's text, truncation to max_seq_length keeping [SEP].
using System.Text.Json;
using JinaEmbed.Tokenization;

namespace JinaEmbed.Tests.Tokenization;

public class WordPieceTokenizerTests
{
    private static readonly Lazy<Tokenizer> Bert = new(() => Tokenizer.FromFile(Fixtures.Path("all-MiniLM-L6-v2", "tokenizer.json")));

    private static readonly Lazy<List<JsonElement>> Cases = new(() =>
    {
        using var doc = JsonDocument.Parse(File.ReadAllBytes(Fixtures.Path("all-MiniLM-L6-v2", "expected.json")));
        return doc.RootElement.GetProperty("cases").EnumerateArray().Select(c => c.Clone()).ToList();
    });

    [Fact]
    public void Ids_equal_hf_input_ids_on_all_cases()
    {
        var failures = new List<string>();
        foreach (var c in Cases.Value)
        {
            var text = c.GetProperty("input").GetString()!;
            var expected = GoldenCases.Ints(c.GetProperty("input_ids"));
            var actual = Bert.Value.Encode(text).Ids;
            if (!expected.SequenceEqual(actual))
            {
                failures.Add($"{GoldenCases.Show(text)}: expected [{string.Join(",", expected)}] got [{string.Join(",", actual)}]");
            }
        }

        Assert.Equal(30, Cases.Value.Count);
        Assert.True(failures.Count == 0, $"{failures.Count} differ:\n" + string.Join("\n", failures));
    }

    [Fact]
    public void Offsets_cover_the_token_text()
    {
        var e = Bert.Value.Encode("Hello, Café naïve!");
        Assert.Equal(["[CLS]", "hello", ",", "cafe", "naive", "!", "[SEP]"], e.Tokens);
        Assert.Equal([(0, 0), (0, 5), (5, 6), (7, 11), (12, 17), (17, 18), (0, 0)], e.Offsets);

        var pieces = Bert.Value.Encode("unbelievably", addSpecialTokens: false);
        Assert.Equal(["un", "##bel", "##ie", "##va", "##bly"], pieces.Tokens);
        Assert.Equal((0, 2), pieces.Offsets[0]);
        Assert.Equal((9, 12), pieces.Offsets[^1]);
    }

    [Fact]
    public void Pair_template_sets_type_ids()
    {
        var e = Bert.Value.EncodePair("a cat", "a dog");
        Assert.Equal([101, 1037, 4937, 102, 1037, 3899, 102], e.Ids);
        Assert.Equal([0, 0, 0, 0, 1, 1, 1], e.TypeIds);
    }

    [Fact]
    public void Truncation_to_max_seq_length_keeps_sep()
    {
        var text = string.Join(' ', Enumerable.Repeat("word", 400));
        var e = Bert.Value.Encode(text, addSpecialTokens: true, maxLength: 256);
        Assert.Equal(256, e.Count);
        Assert.Equal(101, e.Ids[0]);
        Assert.Equal(102, e.Ids[^1]);
        Assert.Equal(2773, e.Ids[254]);
    }

    [Fact]
    public void Long_word_becomes_unk_and_decode_joins_pieces()
    {
        var e = Bert.Value.Encode(new string('a', 101), addSpecialTokens: false);
        Assert.Equal([100], e.Ids);
        Assert.Equal((0, 101), e.Offsets[0]);
        var ids = Bert.Value.Encode("Hello, unbelievably good world!").Ids;
        Assert.Equal("hello, unbelievably good world!", Bert.Value.Decode(ids));
    }
}
