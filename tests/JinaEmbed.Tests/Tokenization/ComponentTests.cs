// Less common tokenizer.json components: byte fallback, Metaspace prepend schemes, BERT punctuation classes.
using JinaEmbed.Tokenization;

namespace JinaEmbed.Tests.Tokenization;

public class ComponentTests
{
    [Fact]
    public void Byte_fallback_emits_byte_pieces_and_decodes_back()
    {
        var pieces = TokenizerJsonBuilder.Letters().Concat(Enumerable.Range(0, 256).Select(b => $"<0x{b:X2}>"));
        var json = TokenizerJsonBuilder.Unigram(pieces)
            .Replace("\"byte_fallback\":false", "\"byte_fallback\":true", StringComparison.Ordinal)
            .Replace("\"decoder\":{\"type\":\"Metaspace\",\"replacement\":\"\u2581\",\"prepend_scheme\":\"always\",\"split\":true}",
                "\"decoder\":{\"type\":\"Sequence\",\"decoders\":[{\"type\":\"Replace\",\"pattern\":{\"String\":\"\u2581\"},\"content\":\" \"},{\"type\":\"ByteFallback\"},{\"type\":\"Fuse\"},{\"type\":\"Strip\",\"content\":\" \",\"start\":1,\"stop\":0}]}",
                StringComparison.Ordinal);
        var t = Tokenizer.FromJson(json);
        var e = t.Encode("a\u00e9", addSpecialTokens: false);
        Assert.Equal(["\u2581a", "<0xC3>", "<0xA9>"], e.Tokens);
        Assert.Equal([(0, 1), (1, 2), (1, 2)], e.Offsets);
        Assert.Equal("a\u00e9", t.Decode(e.Ids));
    }

    [Theory]
    [InlineData("always", new[] { "\u2581a", "<mask>", "\u2581b" })]
    [InlineData("first", new[] { "\u2581a", "<mask>", "b" })]
    [InlineData("never", new[] { "a", "<mask>", "b" })]
    public void Metaspace_prepend_scheme_applies_per_segment(string scheme, string[] expected)
    {
        var json = TokenizerJsonBuilder.Unigram(TokenizerJsonBuilder.Letters().Append("<mask>"),
            preTokenizer: $"{{\"type\":\"Metaspace\",\"replacement\":\"\u2581\",\"prepend_scheme\":\"{scheme}\",\"split\":true}}")
            .Replace("\"added_tokens\":[", "\"added_tokens\":[{\"id\":57,\"content\":\"<mask>\",\"single_word\":false,\"lstrip\":false,\"rstrip\":false,\"normalized\":false,\"special\":true},", StringComparison.Ordinal);
        var t = Tokenizer.FromJson(json);
        Assert.Equal(expected, t.Encode("a<mask>b", addSpecialTokens: false).Tokens);
    }

    [Fact]
    public void Bert_splits_ascii_symbols_and_unicode_punctuation()
    {
        var t = Tokenizer.FromFile(Fixtures.Path("all-MiniLM-L6-v2", "tokenizer.json"));
        Assert.Equal(["a", "$", "b", "\u2014", "c", "_", "d"], t.Encode("a$b\u2014c_d", addSpecialTokens: false).Tokens);
        var e = t.Encode("x\U00010100y", addSpecialTokens: false);
        Assert.Equal(3, e.Count);
        Assert.Equal([(0, 1), (1, 3), (3, 4)], e.Offsets);
    }

    [Fact]
    public void Bert_uses_hf_category_tables_for_newer_code_points()
    {
        // HF's BERT components classify with Unicode 9-era tables: U+0D00 (Mn since Unicode 10) is not stripped,
        // U+0A76 (Po since Unicode 11) is not punctuation, U+05F7 (unassigned) is not removed by clean_text.
        var t = Tokenizer.FromFile(Fixtures.Path("all-MiniLM-L6-v2", "tokenizer.json"));
        Assert.Equal([100], t.Encode("u\u0D00", addSpecialTokens: false).Ids);
        Assert.Equal(1, t.Encode("\u0A76\u0A05", addSpecialTokens: false).Count);
        Assert.Equal([100], t.Encode("\u00FC\u05F7", addSpecialTokens: false).Ids);
        Assert.Equal(t.Encode("u", addSpecialTokens: false).Ids, t.Encode("u\u0301", addSpecialTokens: false).Ids);
    }
}
