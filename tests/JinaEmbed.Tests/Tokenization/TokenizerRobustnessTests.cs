// Property/fuzz tests: arbitrary Unicode never makes Encode throw, results are well-formed, encoding is thread-safe,
// and a 250002-piece tokenizer.json loads (issue #2). Deterministic seeds.
using System.Diagnostics;
using System.Text;
using JinaEmbed.Tokenization;
using Xunit.Abstractions;

namespace JinaEmbed.Tests.Tokenization;

public class TokenizerRobustnessTests(ITestOutputHelper output)
{
    private static readonly string[] Fragments =
        ["<s>", "</s>", "<mask>", "<pad>", "<unk>", "[CLS]", "[SEP]", "[MASK]", " ", "  ", "\t", "\r\n", "\0", "\u00A0", "\u3000",
         "e\u0301", "\uFF76\uFF9E", "\u200D", "\u200B", "\U0001F468\u200D\U0001F469", "\U0001F44D\U0001F3FD", "ﬁ", "①", "İ", "ß"];

    private static Tokenizer[] All() =>
    [
        GoldenCases.Variant("A"), GoldenCases.Variant("B"), GoldenCases.Variant("C"),
        Tokenizer.FromFile(Fixtures.Path("all-MiniLM-L6-v2", "tokenizer.json")),
    ];

    private static string RandomText(Random rng, int maxLength)
    {
        var sb = new StringBuilder();
        var length = rng.Next(maxLength);
        while (sb.Length < length)
        {
            switch (rng.Next(8))
            {
                case 0:
                    sb.Append((char)rng.Next(0xD800, 0xE000)); // unpaired surrogate
                    break;
                case 1:
                    sb.Append(Fragments[rng.Next(Fragments.Length)]);
                    break;
                case 2:
                    sb.Append((char)rng.Next(0, 0x80));
                    break;
                case 3:
                    sb.Append(char.ConvertFromUtf32(rng.Next(0x10000, 0x110000) is var cp && cp is >= 0xD800 and < 0xE000 ? 0x1F600 : cp));
                    break;
                case 4:
                    sb.Append((char)rng.Next(0x300, 0x370)); // combining marks
                    break;
                default:
                    var c = (char)rng.Next(0, 0x10000);
                    sb.Append(char.IsSurrogate(c) ? 'x' : c);
                    break;
            }
        }

        return sb.ToString();
    }

    private static void AssertWellFormed(Tokenizer t, string text, TokenizerEncoding e)
    {
        Assert.Equal(e.Count, e.Tokens.Length);
        Assert.Equal(e.Count, e.Offsets.Length);
        Assert.Equal(e.Count, e.SpecialTokensMask.Length);
        Assert.Equal(e.Count, e.TypeIds.Length);
        for (var i = 0; i < e.Count; i++)
        {
            Assert.InRange(e.Ids[i], 0, t.VocabularySize - 1);
            var (s, end) = e.Offsets[i];
            Assert.InRange(s, 0, text.Length);
            Assert.InRange(end, s, text.Length);
        }
    }

    [Fact]
    public void Random_unicode_never_throws_and_is_well_formed()
    {
        var rng = new Random(20261124);
        var tokenizers = All();
        for (var n = 0; n < 1500; n++)
        {
            var text = RandomText(rng, 60);
            foreach (var t in tokenizers)
            {
                var e = t.Encode(text);
                AssertWellFormed(t, text, e);
                var plain = t.Encode(text, addSpecialTokens: false);
                Assert.Equal(e.Count - t.SpecialTokenCount(), plain.Count);
                _ = t.Decode(e.Ids);
                Assert.True(t.Encode(text, true, 5).Count <= 5);
            }
        }
    }

    [Fact]
    public void One_megabyte_of_text_encodes()
    {
        var rng = new Random(7);
        var sb = new StringBuilder();
        while (sb.Length < 1 << 20)
        {
            sb.Append(RandomText(rng, 200)).Append(' ');
        }

        var text = sb.ToString();
        foreach (var t in All())
        {
            var e = t.Encode(text);
            AssertWellFormed(t, text, e);
            Assert.True(e.Count > 10_000);
        }

        // A single 1 MB word without spaces (one Viterbi lattice).
        var word = new string('a', 1 << 20);
        var w = GoldenCases.Variant("A").Encode(word);
        Assert.Equal((1 << 20) - 1, w.Offsets[^2].End - 1);
    }

    [Fact]
    public void Parallel_encoding_equals_sequential()
    {
        var tokenizer = GoldenCases.Variant("A");
        var texts = GoldenCases.All.Select(c => c.GetProperty("text").GetString()!).ToArray();
        var expected = texts.Select(t => tokenizer.Encode(t)).ToArray();
        var actual = new TokenizerEncoding[texts.Length * 8];
        Parallel.For(0, actual.Length, new ParallelOptions { MaxDegreeOfParallelism = 8 }, i => actual[i] = tokenizer.Encode(texts[i % texts.Length]));
        for (var i = 0; i < actual.Length; i++)
        {
            Assert.Equal(expected[i % texts.Length].Ids, actual[i].Ids);
            Assert.Equal(expected[i % texts.Length].Offsets, actual[i].Offsets);
        }

        var batch = tokenizer.EncodeBatch(texts);
        Assert.Equal(expected.Select(e => e.Ids), batch.Select(e => e.Ids));
    }

    [Fact]
    public void A_250002_piece_vocabulary_loads()
    {
        var rng = new Random(3);
        var pieces = new HashSet<string>(StringComparer.Ordinal);
        const string alphabet = "abcdefghijklmnopqrstuvwxyzáéíóúßçñøåäöüабвгдежзийклмнопрстуфхцчшщъыьэюя的一是不了人我在有他这中大来上国个到说们为子和你地出道也时年";
        while (pieces.Count < 249_997)
        {
            var len = 1 + rng.Next(8);
            var sb = new StringBuilder(rng.Next(3) == 0 ? "\u2581" : string.Empty);
            for (var k = 0; k < len; k++)
            {
                sb.Append(alphabet[rng.Next(alphabet.Length)]);
            }

            pieces.Add(sb.ToString());
        }

        pieces.Remove("<mask>");
        var list = pieces.Take(249_997).Append("<mask>").ToList();
        var json = TokenizerJsonBuilder.Unigram(list, "{\"type\":\"Precompiled\",\"precompiled_charsmap\":null}");
        var watch = Stopwatch.StartNew();
        var tokenizer = Tokenizer.FromJson(json);
        output.WriteLine($"loaded {json.Length / 1e6:F1} MB, {tokenizer.VocabularySize} pieces in {watch.ElapsedMilliseconds} ms (not asserted; see bench)");
        Assert.Equal(250_002, tokenizer.VocabularySize);
        Assert.Equal(250_001, tokenizer.TokenToId("<mask>"));
        Assert.Equal(list[1000], tokenizer.IdToToken(1004));
        var e = tokenizer.Encode("привет мир 你好 abc");
        Assert.Equal(0, e.Ids[0]);
        Assert.Equal(2, e.Ids[^1]);
    }
}
