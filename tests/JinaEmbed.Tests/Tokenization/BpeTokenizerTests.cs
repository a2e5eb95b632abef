// Byte-level BPE beyond the golden file: the spec's reference rows (jina-embeddings-v4 §2.7), offsets (§2.5), NFC with
// Unicode 9.0 behaviour (§2.8), decoding, and the generic BPE options a tokenizer.json may declare.
using JinaEmbed.Tokenization;
using JinaEmbed.Tokenization.PreTokenizers;

namespace JinaEmbed.Tests.Tokenization;

public class BpeTokenizerTests
{
    private static Tokenizer Qwen => BpeGoldenCases.Tokenizer;

    [Theory]
    [InlineData("Query: A beautiful sunset over the beach", new[] { 2859, 25, 362, 6233, 42984, 916, 279, 11321 })]
    [InlineData("Passage: A beautiful sunset over the beach", new[] { 12187, 424, 25, 362, 6233, 42984, 916, 279, 11321 })]
    [InlineData("Query: ", new[] { 2859, 25, 220 })]
    [InlineData("Passage: ", new[] { 12187, 424, 25, 220 })]
    [InlineData("Passage: 海滩上美丽的日落", new[] { 12187, 424, 25, 98313, 115, 101562, 17447, 105664, 8903, 99297 })]
    [InlineData("Query: <|vision_start|>x", new[] { 2859, 25, 220, 151652, 87 })]
    [InlineData("x   y", new[] { 87, 256, 379 })]
    [InlineData("a\r\n\r\nb", new[] { 64, 871, 65 })]
    [InlineData("12345", new[] { 16, 17, 18, 19, 20 })]
    [InlineData("é", new[] { 963 })]
    [InlineData("e\u0301", new[] { 963 })]
    [InlineData("😀", new[] { 141334 })]
    [InlineData("<tool_call>x</tool_call>", new[] { 151657, 87, 151658 })]
    [InlineData("<|im_start|>user\n<|vision_start|><|image_pad|><|vision_end|>Describe the image.<|im_end|>\n",
        new[] { 151644, 872, 198, 151652, 151655, 151653, 74785, 279, 2168, 13, 151645, 198 })]
    public void Spec_reference_rows(string text, int[] expected)
    {
        Assert.Equal(expected, Qwen.Encode(text).Ids);
        Assert.Equal(expected, Qwen.EncodeIds(text, addSpecialTokens: false));
    }

    [Fact]
    public void Truncation_cuts_from_the_right_and_keeps_the_prefix()
    {
        Assert.Equal([2859, 25, 825, 1378, 2326, 3040], Qwen.Encode("Query: one two three four five six seven eight nine ten", true, 6).Ids);
    }

    [Fact]
    public void A_character_split_over_two_tokens_gives_both_its_range()
    {
        var e = Qwen.Encode("Passage: 海滩上美丽的日落");
        Assert.Equal(98313, e.Ids[3]);
        Assert.Equal((8, 10), e.Offsets[3]);
        Assert.Equal(115, e.Ids[4]);
        Assert.Equal((9, 10), e.Offsets[4]);
    }

    [Fact]
    public void Nfc_offsets_are_positional()
    {
        var e = Qwen.Encode("cafe\u0301");
        Assert.Equal(["ca", "fÃ©"], e.Tokens);
        Assert.Equal([(0, 2), (2, 4)], e.Offsets);
        Assert.Equal([(0, 1)], Qwen.Encode("\u1112\u1161\u11AB").Offsets.Distinct());
    }

    [Theory]
    [InlineData("\U00011935\U00011930")] // Dives Akuru: composes to U+11938 only since Unicode 12
    [InlineData("a\u1DFA\u0301")] // U+1DFA (Unicode 10) is a starter for Unicode 9.0, so U+0301 cannot reach the a
    public void Nfc_uses_unicode_9_behaviour(string text)
    {
        Assert.Equal(text, Qwen.Decode(Qwen.Encode(text).Ids, skipSpecialTokens: false));
    }

    [Fact]
    public void Decode_handles_partial_characters_and_added_tokens()
    {
        Assert.Equal("\uFFFD", Qwen.Decode([115]));
        Assert.Equal("海", Qwen.Decode([98313, 115])[1..]);
        Assert.Equal("x", Qwen.Decode([151644, 87]));
        Assert.Equal("<|im_start|>x", Qwen.Decode([151644, 87], skipSpecialTokens: false));
        Assert.Equal("<tool_call>x", Qwen.Decode([151657, 87]));
    }

    [Fact]
    public void Astral_letters_and_digits_are_letters_and_digits()
    {
        // Three mathematical digits are three pieces; a .NET Regex over UTF-16 would make them one.
        var digits = Qwen.Encode("\U0001D7CF\U0001D7D0\U0001D7D1");
        Assert.Equal([(0, 2), (2, 4), (4, 6)], digits.Offsets.Distinct());
        var scanner = Assert.IsType<RuneSplitScanner>(SplitPattern.FromRegex(RuneSplitScanner.Qwen2Pattern));
        const string text = "x\U0001D400\U0001D401 \U0001D7CF\U0001D7D0";
        var matches = new SplitList();
        scanner.FindMatches(text, 0, text.Length, matches);
        var pieces = Enumerable.Range(0, matches.Count).Select(i => text[matches.Starts[i]..matches.Ends[i]]);
        Assert.Equal(["x\U0001D400\U0001D401", " ", "\U0001D7CF", "\U0001D7D0"], pieces);
    }

    [Fact]
    public void Merges_as_arrays_equal_merges_as_strings()
    {
        string[] vocab = ["a", "b", "c", "ab", "abc", "bc"];
        string[] merges = ["a b", "ab c", "b c"];
        var strings = Tokenizer.FromJson(TokenizerJsonBuilder.Bpe(vocab, merges));
        var arrays = Tokenizer.FromJson(TokenizerJsonBuilder.Bpe(vocab, merges, arrayMerges: true));
        foreach (var text in new[] { "abc", "bca", "cab", "abcabc", "bbc" })
        {
            Assert.Equal(strings.Encode(text).Ids, arrays.Encode(text).Ids);
        }

        Assert.Equal([4], strings.Encode("abc").Ids);
        Assert.Equal([5, 0], strings.Encode("bca").Ids);
    }

    [Fact]
    public void Lowest_rank_merges_first_and_ties_go_left()
    {
        // "b c" ranks before "a b": abc → a + bc, not ab + c.
        var t = Tokenizer.FromJson(TokenizerJsonBuilder.Bpe(["a", "b", "c", "ab", "bc"], ["b c", "a b"]));
        Assert.Equal(["a", "bc"], t.Encode("abc").Tokens);
        var same = Tokenizer.FromJson(TokenizerJsonBuilder.Bpe(["a", "aa"], ["a a"]));
        Assert.Equal(["aa", "a"], same.Encode("aaa").Tokens);
        Assert.Equal([(0, 2), (2, 3)], same.Encode("aaa").Offsets);
    }

    [Fact]
    public void Long_runs_merge_in_reasonable_time()
    {
        var t = Tokenizer.FromJson(TokenizerJsonBuilder.Bpe(["a", "aa", "aaaa"], ["a a", "aa aa"]));
        var e = t.Encode(new string('a', 200_001));
        Assert.Equal(50_001, e.Count);
        Assert.Equal((200_000, 200_001), e.Offsets[^1]);
        var qwen = Qwen.Encode(new string('中', 20_000) + new string(' ', 20_000) + "x");
        Assert.True(qwen.Count > 100);
    }

    [Fact]
    public void Ignore_merges_takes_a_whole_word_from_the_vocabulary()
    {
        string[] vocab = ["a", "b", "c", "ab", "abc"];
        var plain = Tokenizer.FromJson(TokenizerJsonBuilder.Bpe(vocab, ["a b"]));
        var ignore = Tokenizer.FromJson(TokenizerJsonBuilder.Bpe(vocab, ["a b"], model: "\"ignore_merges\":true,"));
        Assert.Equal(["ab", "c"], plain.Encode("abc").Tokens);
        Assert.Equal(["abc"], ignore.Encode("abc").Tokens);
    }

    [Fact]
    public void Unknown_characters_become_unk_fused_when_asked()
    {
        string[] vocab = ["<unk>", "a"];
        var separate = Tokenizer.FromJson(TokenizerJsonBuilder.Bpe(vocab, [], model: "\"unk_token\":\"<unk>\","));
        var fused = Tokenizer.FromJson(TokenizerJsonBuilder.Bpe(vocab, [], model: "\"unk_token\":\"<unk>\",\"fuse_unk\":true,"));
        var none = Tokenizer.FromJson(TokenizerJsonBuilder.Bpe(vocab, []));
        Assert.Equal([1, 0, 0, 1], separate.Encode("axya").Ids);
        Assert.Equal([1, 0, 1], fused.Encode("axya").Ids);
        Assert.Equal([(1, 3)], fused.Encode("axya").Offsets.Skip(1).Take(1));
        Assert.Equal([1, 1], none.Encode("axya").Ids);
    }

    [Fact]
    public void Byte_fallback_spells_unknown_characters_as_bytes()
    {
        var vocab = new List<string> { "<unk>", "a" };
        for (var b = 0; b < 256; b++)
        {
            vocab.Add($"<0x{b:X2}>");
        }

        var t = Tokenizer.FromJson(TokenizerJsonBuilder.Bpe(vocab, [], model: "\"unk_token\":\"<unk>\",\"byte_fallback\":true,",
            decoder: "{\"type\":\"ByteFallback\"}"));
        var e = t.Encode("aé");
        Assert.Equal(["a", "<0xC3>", "<0xA9>"], e.Tokens);
        Assert.Equal([(0, 1), (1, 2), (1, 2)], e.Offsets);
        Assert.Equal("aé", t.Decode(e.Ids));
    }

    [Fact]
    public void Continuing_subword_prefix_and_end_of_word_suffix()
    {
        string[] vocab = ["a", "##b", "##c</w>", "a##b", "c</w>", "ab", "abc</w>"];
        var t = Tokenizer.FromJson(TokenizerJsonBuilder.Bpe(vocab, ["a ##b", "ab ##c</w>"],
            model: "\"continuing_subword_prefix\":\"##\",\"end_of_word_suffix\":\"</w>\","));
        Assert.Equal(["abc</w>"], t.Encode("abc").Tokens);
        Assert.Equal(["c</w>"], t.Encode("c").Tokens);
    }

    [Fact]
    public void ByteLevel_regex_prefix_space_and_trim_offsets()
    {
        var vocab = Enumerable.Range(0, 256).Select(b => ByteLevelAlphabet.ByteToChar[b].ToString()).Concat(["Ġh", "Ġhi"]).ToList();
        var t = Tokenizer.FromJson(TokenizerJsonBuilder.Bpe(vocab, ["Ġ h", "Ġh i"],
            preTokenizer: "{\"type\":\"ByteLevel\",\"add_prefix_space\":true,\"trim_offsets\":true,\"use_regex\":true}",
            postProcessor: "{\"type\":\"ByteLevel\",\"add_prefix_space\":true,\"trim_offsets\":true,\"use_regex\":true}",
            decoder: "{\"type\":\"ByteLevel\"}"));
        var e = t.Encode("hi  hi");
        Assert.Equal(["Ġhi", "Ġ", "Ġhi"], e.Tokens);

        // The first token keeps its (added) space; later ones skip theirs; a token of spaces only collapses.
        Assert.Equal([(0, 2), (3, 3), (4, 6)], e.Offsets);
        Assert.Equal(" hi  hi", t.Decode(e.Ids));
    }

    [Theory]
    [InlineData("Removed", false, new[] { "the", "final", "countdown" })]
    [InlineData("Isolated", false, new[] { "the", "-", "final", "-", "-", "countdown" })]
    [InlineData("MergedWithPrevious", false, new[] { "the-", "final-", "-", "countdown" })]
    [InlineData("MergedWithNext", false, new[] { "the", "-final", "-", "-countdown" })]
    [InlineData("Contiguous", false, new[] { "the", "-", "final", "--", "countdown" })]
    [InlineData("Removed", true, new[] { "-", "-", "-" })]
    public void Split_behaviours_follow_hf(string behavior, bool invert, string[] expected)
    {
        foreach (var regex in new[] { true, false })
        {
            var pre = TokenizerJsonBuilder.Split("-", behavior, invert, regex);
            var vocab = "abcdefghijklmnopqrstuvwxyz-".Select(c => c.ToString()).ToList();
            vocab.AddRange(expected.Distinct());
            var merges = new List<string>();
            foreach (var piece in expected.Distinct().Where(p => p.Length > 1))
            {
                // Left-to-right merges that spell each expected piece.
                for (var k = 1; k < piece.Length; k++)
                {
                    if (!vocab.Contains(piece[..(k + 1)]))
                    {
                        vocab.Add(piece[..(k + 1)]);
                    }

                    var m = piece[..k] + " " + piece[k];
                    if (!merges.Contains(m))
                    {
                        merges.Add(m);
                    }
                }
            }

            var t = Tokenizer.FromJson(TokenizerJsonBuilder.Bpe(vocab, merges, preTokenizer: pre));
            Assert.Equal(expected, t.Encode("the-final--countdown").Tokens);
        }
    }
}
