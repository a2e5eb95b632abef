// Malformed tokenizer.json gives a clear TokenizerLoadException naming the problem (issue #2).
using JinaEmbed.Tokenization;

namespace JinaEmbed.Tests.Tokenization;

public class TokenizerLoadErrorTests
{
    private static string Valid(string? normalizer = null, string? preTokenizer = null, string extra = "") =>
        TokenizerJsonBuilder.Unigram(TokenizerJsonBuilder.Letters(), normalizer, preTokenizer, extra);

    [Fact]
    public void Bad_json_is_reported()
    {
        var e = Assert.Throws<TokenizerLoadException>(() => Tokenizer.FromJson("{\"model\": [1, 2"));
        Assert.Contains("not valid JSON", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Missing_model_is_reported()
    {
        var e = Assert.Throws<TokenizerLoadException>(() => Tokenizer.FromJson("{\"version\":\"1.0\",\"normalizer\":null}"));
        Assert.Contains("\"model\"", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{\"type\":\"FancyNormalizer\"}", null, "unsupported normalizer type 'FancyNormalizer'")]
    [InlineData(null, "{\"type\":\"ByteLevelMagic\"}", "unsupported pre_tokenizer type 'ByteLevelMagic'")]
    [InlineData("{\"type\":\"Sequence\",\"normalizers\":[{\"type\":\"NFC\"},{\"type\":\"Nope\"}]}", null, "'Nope'")]
    public void Unknown_component_type_is_named(string? normalizer, string? preTokenizer, string expected)
    {
        var e = Assert.Throws<TokenizerLoadException>(() => Tokenizer.FromJson(Valid(normalizer, preTokenizer)));
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Unigram_without_unk_id_is_refused_unless_every_byte_has_a_piece()
    {
        // Found by fuzzing (issue #17): it loaded, then the first text outside the vocabulary threw from Encode.
        var noUnk = Valid().Replace("\"unk_id\":3,", "", StringComparison.Ordinal);
        Assert.Contains("no unk_id", Assert.Throws<TokenizerLoadException>(() => Tokenizer.FromJson(noUnk)).Message, StringComparison.Ordinal);
        var nullUnk = Valid().Replace("\"unk_id\":3,", "\"unk_id\":null,", StringComparison.Ordinal);
        Assert.Throws<TokenizerLoadException>(() => Tokenizer.FromJson(nullUnk));

        // byte_fallback without all 256 <0xXX> pieces does not cover every text either.
        var partialBytes = noUnk.Replace("\"byte_fallback\":false", "\"byte_fallback\":true", StringComparison.Ordinal);
        Assert.Throws<TokenizerLoadException>(() => Tokenizer.FromJson(partialBytes));

        // With unk_id the same vocabulary loads and encodes text it has no piece for.
        Assert.NotEmpty(Tokenizer.FromJson(Valid()).Encode("\u6771\u4EAC").Ids);
    }

    [Fact]
    public void Unknown_model_and_decoder_types_are_named()
    {
        var wordLevel = Valid().Replace("\"type\":\"Unigram\"", "\"type\":\"WordLevel\"", StringComparison.Ordinal);
        Assert.Contains("unsupported model type 'WordLevel'", Assert.Throws<TokenizerLoadException>(() => Tokenizer.FromJson(wordLevel)).Message, StringComparison.Ordinal);
        var decoder = Valid().Replace("\"decoder\":{\"type\":\"Metaspace\"", "\"decoder\":{\"type\":\"Mystery\"", StringComparison.Ordinal);
        Assert.Contains("unsupported decoder type 'Mystery'", Assert.Throws<TokenizerLoadException>(() => Tokenizer.FromJson(decoder)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Bad_base64_charsmap_is_reported()
    {
        var e = Assert.Throws<TokenizerLoadException>(() => Tokenizer.FromJson(Valid("{\"type\":\"Precompiled\",\"precompiled_charsmap\":\"!!not base64!!\"}")));
        Assert.Contains("base64", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Truncated_charsmap_is_reported()
    {
        // Valid base64, but the header announces a trie larger than the blob.
        var blob = Convert.ToBase64String([0xFF, 0xFF, 0x00, 0x00, 1, 2, 3, 4]);
        var e = Assert.Throws<TokenizerLoadException>(() => Tokenizer.FromJson(Valid($"{{\"type\":\"Precompiled\",\"precompiled_charsmap\":\"{blob}\"}}")));
        Assert.Contains("Precompiled", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Bad_vocab_entry_and_bad_regex_are_reported()
    {
        var badVocab = Valid().Replace("[\"<unk>\",0.0]", "[\"<unk>\"]", StringComparison.Ordinal);
        Assert.Contains("vocab entry 3", Assert.Throws<TokenizerLoadException>(() => Tokenizer.FromJson(badVocab)).Message, StringComparison.Ordinal);
        var badRegex = Valid("{\"type\":\"Replace\",\"pattern\":{\"Regex\":\"(unclosed\"},\"content\":\" \"}");
        Assert.Contains("invalid regex", Assert.Throws<TokenizerLoadException>(() => Tokenizer.FromJson(badRegex)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Missing_file_is_a_load_error()
    {
        var path = Path.Combine(Path.GetTempPath(), "no-such-dir-" + Guid.NewGuid().ToString("N"), "tokenizer.json");
        var e = Assert.Throws<TokenizerLoadException>(() => Tokenizer.FromFile(path));
        Assert.Contains(path, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_minimal_valid_file_loads_and_encodes()
    {
        var t = Tokenizer.FromJson(Valid("{\"type\":\"Sequence\",\"normalizers\":[{\"type\":\"NFKC\"},{\"type\":\"Lowercase\"},{\"type\":\"Strip\",\"strip_left\":true,\"strip_right\":true}]}"));
        var e = t.Encode("  Ab ");
        Assert.Equal(["<s>", "\u2581a", "b", "</s>"], e.Tokens);
        Assert.Equal([(0, 0), (2, 3), (3, 4), (0, 0)], e.Offsets);
        Assert.Equal("ab", t.Decode(e.Ids));
    }
}
