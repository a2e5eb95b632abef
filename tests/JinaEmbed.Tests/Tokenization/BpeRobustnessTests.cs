// Byte-level BPE robustness: malformed files are clear load errors, the code-point scanners agree with .NET Regex
// wherever .NET Regex is right (BMP text), random Unicode never throws, and the shared word cache is thread-safe.
using System.Text;
using System.Text.RegularExpressions;
using JinaEmbed.Tokenization;
using JinaEmbed.Tokenization.PreTokenizers;

namespace JinaEmbed.Tests.Tokenization;

public class BpeRobustnessTests
{
    private static readonly string[] Vocab = ["a", "b", "c", "ab", "abc"];

    private static string LoadError(string json) => Assert.Throws<TokenizerLoadException>(() => Tokenizer.FromJson(json)).Message;

    [Fact]
    public void A_merge_naming_an_unknown_token_is_named()
    {
        Assert.Contains("'a z'", LoadError(TokenizerJsonBuilder.Bpe(Vocab, ["a b", "a z"])), StringComparison.Ordinal);
        Assert.Contains("'z', which is not in the vocabulary", LoadError(TokenizerJsonBuilder.Bpe(Vocab, ["a b", "a z"])), StringComparison.Ordinal);
        Assert.Contains("makes 'bc'", LoadError(TokenizerJsonBuilder.Bpe(Vocab, ["b c"])), StringComparison.Ordinal);
        Assert.Contains("merge 0 'abc'", LoadError(TokenizerJsonBuilder.Bpe(Vocab, ["abc"])), StringComparison.Ordinal);
        Assert.Contains("BPE merge 0", LoadError(TokenizerJsonBuilder.Bpe(Vocab, ["a b"]).Replace("[\"a b\"]", "[[\"a\"]]", StringComparison.Ordinal)), StringComparison.Ordinal);
    }

    [Fact]
    public void Dropout_and_a_missing_unk_token_are_load_errors()
    {
        Assert.Contains("dropout 0.1 is not supported", LoadError(TokenizerJsonBuilder.Bpe(Vocab, [], model: "\"dropout\":0.1,")), StringComparison.Ordinal);
        Assert.Contains("unk_token '<unk>'", LoadError(TokenizerJsonBuilder.Bpe(Vocab, [], model: "\"unk_token\":\"<unk>\",")), StringComparison.Ordinal);
        _ = Tokenizer.FromJson(TokenizerJsonBuilder.Bpe(Vocab, [], model: "\"dropout\":null,"));
    }

    [Fact]
    public void A_bad_split_regex_or_behaviour_is_named()
    {
        var message = LoadError(TokenizerJsonBuilder.Bpe(Vocab, [], preTokenizer: TokenizerJsonBuilder.Split("(unclosed", "Isolated")));
        Assert.Contains("invalid regex '(unclosed'", message, StringComparison.Ordinal);
        Assert.Contains("unknown behavior 'Sideways'", LoadError(TokenizerJsonBuilder.Bpe(Vocab, [], preTokenizer: TokenizerJsonBuilder.Split("-", "Sideways"))), StringComparison.Ordinal);
    }

    [Fact]
    public void Other_regexes_run_on_dotnet_regex_and_never_cut_a_surrogate_pair()
    {
        var pattern = SplitPattern.FromRegex(@"\p{L}");
        Assert.IsType<RegexSplitPattern>(pattern);
        const string text = "a\U0001D400b\uD800";
        var matches = new SplitList();
        pattern.FindMatches(text, 0, text.Length, matches);
        for (var i = 0; i < matches.Count; i++)
        {
            Assert.False(char.IsLowSurrogate(text[matches.Starts[i]]));
            Assert.False(matches.Ends[i] < text.Length && char.IsLowSurrogate(text[matches.Ends[i]]));
        }

        var vocab = Enumerable.Range(0, 256).Select(b => ByteLevelAlphabet.ByteToChar[b].ToString()).ToList();
        var t = Tokenizer.FromJson(TokenizerJsonBuilder.Bpe(vocab, [],
            preTokenizer: "{\"type\":\"Sequence\",\"pretokenizers\":[" + TokenizerJsonBuilder.Split(@"\p{L}+", "Isolated") + ",{\"type\":\"ByteLevel\",\"add_prefix_space\":false,\"use_regex\":false}]}"));
        var e = t.Encode(text);
        Assert.Equal(1 + 4 + 1 + 3, e.Count); // a, 𝐀, b, and the lone surrogate as U+FFFD
        Assert.Equal((1, 3), e.Offsets[1]);
    }

    [Theory]
    [InlineData(RuneSplitScanner.Qwen2Pattern)]
    [InlineData(RuneSplitScanner.Cl100kPattern)]
    [InlineData(RuneSplitScanner.Gpt2Pattern)]
    public void Scanners_equal_dotnet_regex_on_bmp_text(string pattern)
    {
        var scanner = Assert.IsType<RuneSplitScanner>(SplitPattern.FromRegex(pattern));
        var regex = new Regex(pattern, RegexOptions.CultureInvariant);
        string[] pool = ["a", "B", "z", "é", "ß", "中", "ا", "\u0301", "'", "'s", "'S", "'re", "'LL", "'ve", "'d", "'m", "'t", "'x", "1", "٣", "½", "Ⅷ",
            " ", " ", "  ", "\t", "\r", "\n", "\r\n", "\u00A0", "\u3000", "\u0085", "\u2028", "\u200B", "\u000B", ".", ",", "-", "(", "☃", "_", "\u0000"];
        var rng = new Random(1234);
        var matches = new SplitList();
        for (var n = 0; n < 3000; n++)
        {
            var sb = new StringBuilder();
            var parts = rng.Next(1, 16);
            for (var k = 0; k < parts; k++)
            {
                sb.Append(pool[rng.Next(pool.Length)]);
            }

            var text = sb.ToString();
            matches.Clear();
            scanner.FindMatches(text, 0, text.Length, matches);
            var ours = Enumerable.Range(0, matches.Count).Select(i => (matches.Starts[i], matches.Ends[i])).ToList();
            var theirs = regex.Matches(text).Select(m => (m.Index, m.Index + m.Length)).ToList();
            Assert.True(theirs.SequenceEqual(ours), $"{System.Text.Json.JsonSerializer.Serialize(text)}: regex {string.Join(" ", theirs)} scanner {string.Join(" ", ours)}");
        }
    }

    [Fact]
    public void Random_unicode_never_throws_and_is_well_formed()
    {
        var qwen = BpeGoldenCases.Tokenizer;
        var rng = new Random(20260405);
        string[] fragments = ["<|im_start|>", "<|endoftext|>", "<tool_call>", "<|im_start", " ", "   ", "\r\n", "\n\n", "\t", "'s", "'LL", "e\u0301", "\u1112\u1161\u11AB",
            "\U0001F468\u200D\U0001F469", "\U0001D7CF", "\U00011935\U00011930", "ﬁ", "①", "\uFEFF", "\u0085"];
        for (var n = 0; n < 3000; n++)
        {
            var sb = new StringBuilder();
            var length = rng.Next(80);
            while (sb.Length < length)
            {
                switch (rng.Next(8))
                {
                    case 0:
                        sb.Append((char)rng.Next(0xD800, 0xE000)); // a lone surrogate
                        break;
                    case 1:
                        sb.Append(fragments[rng.Next(fragments.Length)]);
                        break;
                    case 2:
                        sb.Append((char)rng.Next(0, 0x80));
                        break;
                    case 3:
                        sb.Append(char.ConvertFromUtf32(rng.Next(0x10000, 0x110000)));
                        break;
                    case 4:
                        sb.Append((char)rng.Next(0x300, 0x370));
                        break;
                    case 5:
                        sb.Append(new string((char)rng.Next(0x20, 0x3000) is var c && char.IsSurrogate(c) ? 'x' : c, rng.Next(1, 300)));
                        break;
                    default:
                        sb.Append((char)rng.Next(0, 0x10000));
                        break;
                }
            }

            var text = sb.ToString();
            var e = qwen.Encode(text);
            Assert.Equal(e.Count, e.Offsets.Length);
            for (var i = 0; i < e.Count; i++)
            {
                Assert.InRange(e.Ids[i], 0, qwen.VocabularySize - 1);
                Assert.NotNull(qwen.IdToToken(e.Ids[i]));
                Assert.InRange(e.Offsets[i].Start, 0, text.Length);
                Assert.InRange(e.Offsets[i].End, e.Offsets[i].Start, text.Length);
            }

            Assert.Equal(e.Ids, qwen.EncodeIds(text));
            _ = qwen.Decode(e.Ids, skipSpecialTokens: false);
        }
    }

    [Fact]
    public void Text_without_surrogates_round_trips_through_decode()
    {
        var qwen = BpeGoldenCases.Tokenizer;
        var rng = new Random(99);
        for (var n = 0; n < 500; n++)
        {
            var sb = new StringBuilder();
            while (sb.Length < 40)
            {
                var cp = rng.Next(3) == 0 ? rng.Next(0x10000, 0x30000) : rng.Next(0x20, 0x3000);
                if (cp is >= 0xD800 and < 0xE000 || cp is >= 0x300 and < 0x370)
                {
                    continue;
                }

                sb.Append(char.ConvertFromUtf32(cp));
            }

            var text = sb.ToString();
            var decoded = qwen.Decode(qwen.Encode(text).Ids, skipSpecialTokens: false);

            // Decoding gives back the NFC text, which equals the input for text with no marks or decomposable chars.
            if (qwen.Encode(decoded).Ids.SequenceEqual(qwen.Encode(text).Ids))
            {
                continue;
            }

            Assert.Fail($"{System.Text.Json.JsonSerializer.Serialize(text)} decoded to {System.Text.Json.JsonSerializer.Serialize(decoded)}");
        }
    }

    [Fact]
    public void Parallel_encoding_equals_sequential_with_a_cold_cache()
    {
        var texts = BpeGoldenCases.BySource.Values.Select(c => c.GetProperty("text").GetString()!).ToArray();
        var expected = texts.Select(t => BpeGoldenCases.Tokenizer.Encode(t)).ToArray();
        var fresh = Tokenizer.FromFile(Fixtures.Path("tokenizer-bpe", "tokenizer.json"));
        var actual = new TokenizerEncoding[texts.Length * 4];
        Parallel.For(0, actual.Length, new ParallelOptions { MaxDegreeOfParallelism = 8 }, i => actual[i] = fresh.Encode(texts[i % texts.Length]));
        for (var i = 0; i < actual.Length; i++)
        {
            Assert.Equal(expected[i % texts.Length].Ids, actual[i].Ids);
            Assert.Equal(expected[i % texts.Length].Offsets, actual[i].Offsets);
        }
    }
}
