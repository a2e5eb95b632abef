// Golden parity with HF tokenizers on the Qwen2.5 byte-level BPE tokenizer of jina-embeddings-v4 (spec §2.3–§2.8):
// every case of ../shared/fixtures/tokenizer-bpe/golden.jsonl, ids, UTF-16 offsets, tokens and decodes exact.
using JinaEmbed.Tokenization;

namespace JinaEmbed.Tests.Tokenization;

public class BpeGoldenTests
{
    public static TheoryData<string> Sources() => BpeGoldenCases.Sources();

    [Fact]
    public void The_fixture_has_every_case()
    {
        Assert.Equal(889, BpeGoldenCases.BySource.Count);
        Assert.Equal(151_665, BpeGoldenCases.Tokenizer.VocabularySize);
    }

    [Theory]
    [MemberData(nameof(Sources))]
    public void Ids_offsets_and_tokens_equal_golden(string source)
    {
        var c = BpeGoldenCases.BySource[source];
        var text = c.GetProperty("text").GetString()!;
        var tokenizer = BpeGoldenCases.Tokenizer;
        var e = tokenizer.Encode(text);
        Assert.Equal(GoldenCases.Ints(c.GetProperty("ids_with_specials")), e.Ids);
        Assert.Equal(GoldenCases.Pairs(c.GetProperty("offsets")), e.Offsets);
        Assert.Equal(c.GetProperty("tokens").EnumerateArray().Select(x => x.GetString()!), e.Tokens);
        Assert.Equal(GoldenCases.Ints(c.GetProperty("ids")), tokenizer.Encode(text, addSpecialTokens: false).Ids);
        Assert.Equal(e.Ids, tokenizer.EncodeIds(text));
    }

    [Theory]
    [MemberData(nameof(Sources))]
    public void Decode_equals_golden(string source)
    {
        var c = BpeGoldenCases.BySource[source];
        var ids = GoldenCases.Ints(c.GetProperty("ids"));
        var tokenizer = BpeGoldenCases.Tokenizer;
        Assert.Equal(c.GetProperty("decoded").GetString(), tokenizer.Decode(ids, skipSpecialTokens: false));
        Assert.Equal(c.GetProperty("decoded_skip_special").GetString(), tokenizer.Decode(ids, skipSpecialTokens: true));
    }
}
