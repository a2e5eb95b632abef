// tokenizer.json truncation and padding blocks (spec §2.6): applied as HF applies them when the file declares them.
using JinaEmbed.Tokenization;

namespace JinaEmbed.Tests.Tokenization;

public class TruncationPaddingTests
{
    private static Tokenizer WithBlocks(string truncation, string padding)
    {
        var json = TokenizerJsonBuilder.Unigram(TokenizerJsonBuilder.Letters())
            .Replace("\"truncation\":null", "\"truncation\":" + truncation, StringComparison.Ordinal)
            .Replace("\"padding\":null", "\"padding\":" + padding, StringComparison.Ordinal);
        return Tokenizer.FromJson(json);
    }

    [Fact]
    public void File_truncation_is_applied_and_keeps_the_closing_token()
    {
        var t = WithBlocks("{\"direction\":\"Right\",\"max_length\":5,\"strategy\":\"LongestFirst\",\"stride\":0}", "null");
        Assert.Equal(5, t.Truncation!.MaxLength);
        var e = t.Encode("abcdefgh");
        Assert.Equal(["<s>", "\u2581a", "b", "c", "</s>"], e.Tokens);
        Assert.Equal(10, t.Encode("abcdefgh", true, 10).Count);
    }

    [Fact]
    public void Left_truncation_keeps_the_end_of_the_content()
    {
        var t = WithBlocks("{\"direction\":\"Left\",\"max_length\":4,\"strategy\":\"LongestFirst\",\"stride\":0}", "null");
        Assert.Equal(["<s>", "g", "h", "</s>"], t.Encode("abcdefgh").Tokens);
    }

    [Fact]
    public void Batch_longest_padding_pads_right_with_zero_attention()
    {
        var t = WithBlocks("null", "{\"strategy\":\"BatchLongest\",\"direction\":\"Right\",\"pad_to_multiple_of\":null,\"pad_id\":1,\"pad_type_id\":0,\"pad_token\":\"<pad>\"}");
        var batch = t.EncodeBatch(["ab", "abcdef"]);
        Assert.Equal(batch[1].Count, batch[0].Count);
        Assert.Equal(8, batch[0].Count);
        Assert.Equal(t.Encode("ab").Ids, batch[0].Ids[..4]);
        Assert.Equal([1, 1, 1, 1], batch[0].Ids[4..]);
        Assert.Equal([1, 1, 1, 1, 0, 0, 0, 0], batch[0].AttentionMask);
        Assert.Equal(["<pad>", "<pad>", "<pad>", "<pad>"], batch[0].Tokens[4..]);
        Assert.All(batch[1].AttentionMask, m => Assert.Equal(1, m));
    }

    [Fact]
    public void Fixed_padding_with_multiple_applies_to_single_encode()
    {
        var t = WithBlocks("null", "{\"strategy\":{\"Fixed\":6},\"direction\":\"Left\",\"pad_to_multiple_of\":4,\"pad_id\":1,\"pad_type_id\":0,\"pad_token\":\"<pad>\"}");
        var e = t.Encode("ab");
        Assert.Equal(8, e.Count);
        Assert.Equal([1, 1, 1, 1, 0], e.Ids[..5].Select(id => id == 1 ? 1 : 0).ToArray());
        Assert.Equal([0, 0, 0, 0, 1, 1, 1, 1], e.AttentionMask);
        Assert.Equal(2, e.Ids[^1]);
    }

    [Fact]
    public void Pair_longest_first_truncation_cuts_the_longer_sequence()
    {
        var t = WithBlocks("null", "null");
        var e = t.EncodePair("abcdefgh", "ab", maxLength: 9);
        Assert.Equal(9, e.Count);
        Assert.Equal(["<s>", "\u2581a", "b", "c", "</s>", "</s>", "\u2581a", "b", "</s>"], e.Tokens);
    }
}
