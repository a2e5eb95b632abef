// Golden parity with HF tokenizers on the XLM-R style fixtures: ids for variants A/B/C, offsets for A/B, truncation
// (spec §2.3, §2.4, §2.6; fixture README ../shared/fixtures/tokenizer/README.md).
using JinaEmbed.Tokenization;

namespace JinaEmbed.Tests.Tokenization;

public class GoldenTokenizerTests
{
    [Theory]
    [InlineData("A")]
    [InlineData("B")]
    [InlineData("C")]
    public void Ids_equal_golden_on_every_case(string variant)
    {
        var tokenizer = GoldenCases.Variant(variant);
        var failures = new List<string>();
        foreach (var c in GoldenCases.All)
        {
            var text = c.GetProperty("text").GetString()!;
            var expected = GoldenCases.Ints(c.GetProperty("ids_" + variant));
            var actual = tokenizer.Encode(text).Ids;
            if (!expected.SequenceEqual(actual))
            {
                failures.Add($"{GoldenCases.Show(text)}: expected [{string.Join(",", expected.Take(30))}] got [{string.Join(",", actual.Take(30))}]");
            }
        }

        Assert.True(failures.Count == 0, $"{failures.Count} of {GoldenCases.All.Count} differ:\n" + string.Join("\n", failures.Take(10)));
    }

    [Theory]
    [InlineData("A")]
    [InlineData("B")]
    public void Offsets_equal_golden_on_every_case(string variant)
    {
        var tokenizer = GoldenCases.Variant(variant);
        var failures = new List<string>();
        var compared = 0;
        foreach (var c in GoldenCases.All)
        {
            if (!c.TryGetProperty("offsets_" + variant, out var offsets))
            {
                continue;
            }

            compared++;
            var text = c.GetProperty("text").GetString()!;
            var expected = GoldenCases.Pairs(offsets);
            var actual = tokenizer.Encode(text).Offsets;
            if (!expected.SequenceEqual(actual))
            {
                var at = Enumerable.Range(0, Math.Min(expected.Length, actual.Length)).FirstOrDefault(i => expected[i] != actual[i]);
                failures.Add($"{GoldenCases.Show(text)}: first difference at token {at}: expected {(at < expected.Length ? expected[at] : default)} got {(at < actual.Length ? actual[at] : default)} (lengths {expected.Length}/{actual.Length})");
            }
        }

        Assert.Equal(GoldenCases.All.Count, compared);
        Assert.True(failures.Count == 0, $"{failures.Count} differ:\n" + string.Join("\n", failures.Take(10)));
    }

    [Theory]
    [InlineData("A")]
    [InlineData("B")]
    [InlineData("C")]
    public void Truncation_keeps_closing_special_token_and_equals_golden(string variant)
    {
        var tokenizer = GoldenCases.Variant(variant);
        var rows = GoldenCases.ReadJsonl("truncation.jsonl");
        Assert.Equal(10, rows.Count);
        foreach (var row in rows)
        {
            var text = row.GetProperty("text").GetString()!;
            var max = row.GetProperty("max_length").GetInt32();
            var expected = GoldenCases.Ints(row.GetProperty("ids_" + variant));
            var actual = tokenizer.Encode(text, addSpecialTokens: true, maxLength: max);
            Assert.Equal(expected, actual.Ids);
            Assert.True(actual.Count <= max);
            Assert.Equal(2, actual.Ids[^1]);
            Assert.Equal(actual.Ids.Length, actual.Offsets.Length);
        }
    }

    [Fact]
    public void Special_token_text_in_input_becomes_the_token()
    {
        var tokenizer = GoldenCases.Variant("A");
        var e = tokenizer.Encode("hello <mask> world");
        Assert.Equal(8001, e.Ids[4]);
        Assert.Equal("<mask>", e.Tokens[4]);
        Assert.Equal((5, 12), e.Offsets[4]); // lstrip: the match absorbs the space on its left
        Assert.True(e.SpecialTokensMask[4]);
        Assert.True(e.SpecialTokensMask[0]);
        Assert.False(e.SpecialTokensMask[1]);
        Assert.Equal([0], tokenizer.PrefixTokenIds);
        Assert.Equal([2], tokenizer.SuffixTokenIds);
        Assert.Equal(2, tokenizer.SpecialTokenCount());
        Assert.Equal(8002, tokenizer.VocabularySize);
    }

    [Fact]
    public void Without_special_tokens_there_is_no_template()
    {
        var tokenizer = GoldenCases.Variant("B");
        var with = tokenizer.Encode("Hello world.");
        var without = tokenizer.Encode("Hello world.", addSpecialTokens: false);
        Assert.Equal(with.Ids[1..^1], without.Ids);
        Assert.Equal(with.Offsets[1..^1], without.Offsets);
    }

    [Fact]
    public void Pair_uses_the_pair_template()
    {
        var tokenizer = GoldenCases.Variant("A");
        var a = tokenizer.Encode("Hello", addSpecialTokens: false).Ids;
        var b = tokenizer.Encode("world", addSpecialTokens: false).Ids;
        var pair = tokenizer.EncodePair("Hello", "world");
        Assert.Equal([0, .. a, 2, 2, .. b, 2], pair.Ids);
    }

    [Fact]
    public void Decode_round_trips_plain_text()
    {
        var tokenizer = GoldenCases.Variant("B");
        const string text = "The quick brown fox jumps over the lazy dog.";
        var e = tokenizer.Encode(text);
        Assert.Equal(text, tokenizer.Decode(e.Ids));
        Assert.StartsWith("<s>", tokenizer.Decode(e.Ids, skipSpecialTokens: false), StringComparison.Ordinal);
    }

    [Fact]
    public void Token_lookup_is_consistent()
    {
        var tokenizer = GoldenCases.Variant("A");
        Assert.Equal(0, tokenizer.TokenToId("<s>"));
        Assert.Equal(8001, tokenizer.TokenToId("<mask>"));
        Assert.Equal(5, tokenizer.TokenToId("\u2581"));
        Assert.Equal("\u2581", tokenizer.IdToToken(5));
        Assert.Null(tokenizer.TokenToId("no such piece at all"));
        Assert.Null(tokenizer.IdToToken(123456));
    }

    [Fact]
    public void EncodeIds_equals_Encode_ids()
    {
        foreach (var variant in new[] { "A", "C" })
        {
            var tokenizer = GoldenCases.Variant(variant);
            foreach (var c in GoldenCases.All)
            {
                var text = c.GetProperty("text").GetString()!;
                Assert.Equal(tokenizer.Encode(text).Ids, tokenizer.EncodeIds(text));
                Assert.Equal(tokenizer.Encode(text, false).Ids, tokenizer.EncodeIds(text, false));
                Assert.Equal(tokenizer.Encode(text, true, 8).Ids, tokenizer.EncodeIds(text, true, 8));
            }
        }
    }
}
