// Hand-written matchers for the well-known byte-level BPE split regexes, evaluated over code points (spec §2.8):
// .NET Regex sees a supplementary letter or digit as two surrogates (category Cs), Oniguruma (HF) sees one code
// point. Each scanner tries the pattern's alternatives in order at a position, with the regex's backtracking results
// (\s+(?!\S) gives back the last whitespace, \s*[\r\n]+ ends at the last CR/LF of a whitespace run). Every position
// is matched by some alternative, so the matches tile the text.
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;

namespace JinaEmbed.Tokenization.PreTokenizers;

internal sealed class RuneSplitScanner : SplitPattern
{
    /// <summary>GPT-2's pattern (also what ByteLevel's use_regex applies).</summary>
    public const string Gpt2Pattern = @"'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+";

    /// <summary>Qwen2's pattern (jina-embeddings-v4): one digit per piece.</summary>
    public const string Qwen2Pattern = @"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+";

    /// <summary>cl100k / Llama-3's pattern: up to three digits per piece.</summary>
    public const string Cl100kPattern = @"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+";

    private const byte Other = 0, Letter = 1, Number = 2, Space = 3;

    private static readonly byte[] BmpClasses = BuildBmpClasses();

    // True: GPT-2 form; false: the cl100k form with at most _maxDigits digits per piece.
    private readonly bool _gpt2;
    private readonly int _maxDigits;

    private RuneSplitScanner(bool gpt2, int maxDigits)
    {
        _gpt2 = gpt2;
        _maxDigits = maxDigits;
    }

    public static RuneSplitScanner Gpt2 { get; } = new(true, int.MaxValue);

    /// <summary>A scanner for <paramref name="pattern"/> when it is exactly one of the known patterns, else null.</summary>
    public static RuneSplitScanner? TryCreate(string pattern) => pattern switch
    {
        Gpt2Pattern => Gpt2,
        Qwen2Pattern => new RuneSplitScanner(false, 1),
        Cl100kPattern => new RuneSplitScanner(false, 3),
        _ => null,
    };

    public override void FindMatches(ReadOnlySpan<char> text, int start, int end, SplitList matches)
    {
        var span = text[..end];
        var i = start;
        while (i < end)
        {
            var next = _gpt2 ? MatchGpt2(span, i) : MatchCl100k(span, i);
            matches.Add(i, next);
            i = next;
        }
    }

    /// <summary>End of the match at <paramref name="i"/> (which always exists, at least one code point long).</summary>
    private int MatchCl100k(ReadOnlySpan<char> s, int i)
    {
        var c0 = At(s, i, out var l0);
        if (c0 == '\'' && Contraction(s, i + 1, caseInsensitive: true) is > 0 and var n)
        {
            return i + 1 + n;
        }

        var k0 = Class(c0);

        // [^\r\n\p{L}\p{N}]?\p{L}+
        if (k0 == Letter)
        {
            return SkipClass(s, i + l0, Letter);
        }

        if (k0 != Number && c0 != '\r' && c0 != '\n' && i + l0 < s.Length && Class(At(s, i + l0, out var l1)) == Letter)
        {
            return SkipClass(s, i + l0 + l1, Letter);
        }

        // \p{N}{1,max}
        if (k0 == Number)
        {
            var j = i + l0;
            for (var count = 1; count < _maxDigits && j < s.Length && Class(At(s, j, out var lj)) == Number; count++)
            {
                j += lj;
            }

            return j;
        }

        // ' ?[^\s\p{L}\p{N}]+[\r\n]*'
        var p = c0 == ' ' && i + 1 < s.Length && Class(At(s, i + 1, out _)) == Other ? i + 1 : i;
        if (Class(At(s, p, out var lp)) == Other)
        {
            var j = SkipClass(s, p + lp, Other);
            while (j < s.Length && s[j] is '\r' or '\n')
            {
                j++;
            }

            return j;
        }

        // Only whitespace is left (k0 == Space).
        var runEnd = SkipClass(s, i, Space);

        // \s*[\r\n]+ : up to the last CR/LF of the run.
        for (var j = runEnd - 1; j >= i; j--)
        {
            if (s[j] is '\r' or '\n')
            {
                return j + 1;
            }
        }

        return WhitespaceRun(s, i, runEnd);
    }

    private static int MatchGpt2(ReadOnlySpan<char> s, int i)
    {
        var c0 = At(s, i, out var l0);
        if (c0 == '\'' && Contraction(s, i + 1, caseInsensitive: false) is > 0 and var n)
        {
            return i + 1 + n;
        }

        // ' ?\p{L}+', ' ?\p{N}+', ' ?[^\s\p{L}\p{N}]+': the optional space joins a following run of one class.
        var p = i;
        var k = Class(c0);
        if (c0 == ' ' && i + 1 < s.Length)
        {
            var k1 = Class(At(s, i + 1, out _));
            if (k1 != Space)
            {
                p = i + 1;
                k = k1;
            }
        }

        if (k != Space)
        {
            At(s, p, out var lp);
            return SkipClass(s, p + lp, k);
        }

        return WhitespaceRun(s, i, SkipClass(s, i, Space));
    }

    /// <summary>\s+(?!\S) then \s+: a run followed by a non-space gives its last character back, unless that leaves
    /// nothing.</summary>
    private static int WhitespaceRun(ReadOnlySpan<char> s, int i, int runEnd)
    {
        if (runEnd == s.Length)
        {
            return runEnd;
        }

        // Whitespace is always a single UTF-16 unit.
        return runEnd - 1 > i ? runEnd - 1 : runEnd;
    }

    /// <summary>Length of 's 't 're 've 'm 'll 'd after the apostrophe at <paramref name="i"/> − 1, or 0.</summary>
    private static int Contraction(ReadOnlySpan<char> s, int i, bool caseInsensitive)
    {
        if (i >= s.Length)
        {
            return 0;
        }

        var a = Fold(s[i], caseInsensitive);
        if (a is 's' or 't' or 'm' or 'd')
        {
            return 1;
        }

        if (i + 1 >= s.Length)
        {
            return 0;
        }

        var b = Fold(s[i + 1], caseInsensitive);
        return (a, b) is ('r', 'e') or ('v', 'e') or ('l', 'l') ? 2 : 0;
    }

    /// <summary>Simple Unicode case folding for the letters of the contractions (ſ folds to s).</summary>
    private static char Fold(char c, bool caseInsensitive)
    {
        if (!caseInsensitive)
        {
            return c;
        }

        return c switch
        {
            >= 'A' and <= 'Z' => (char)(c + 32),
            '\u017F' => 's',
            _ => c,
        };
    }

    private static int SkipClass(ReadOnlySpan<char> s, int j, byte k)
    {
        while (j < s.Length)
        {
            var c = At(s, j, out var l);
            if (Class(c) != k)
            {
                break;
            }

            j += l;
        }

        return j;
    }

    /// <summary>Code point at <paramref name="i"/>; a lone surrogate reads as U+FFFD (what its UTF-8 bytes become).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int At(ReadOnlySpan<char> s, int i, out int length)
    {
        var c = s[i];
        if (!char.IsSurrogate(c))
        {
            length = 1;
            return c;
        }

        if (char.IsHighSurrogate(c) && i + 1 < s.Length && char.IsLowSurrogate(s[i + 1]))
        {
            length = 2;
            return char.ConvertToUtf32(c, s[i + 1]);
        }

        length = 1;
        return 0xFFFD;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static byte Class(int cp) => cp < 0x10000 ? BmpClasses[cp] : ClassOf(cp);

    private static byte ClassOf(int cp)
    {
        var r = new Rune(cp);
        if (Rune.IsWhiteSpace(r))
        {
            return Space;
        }

        return Rune.GetUnicodeCategory(r) switch
        {
            UnicodeCategory.UppercaseLetter or UnicodeCategory.LowercaseLetter or UnicodeCategory.TitlecaseLetter
                or UnicodeCategory.ModifierLetter or UnicodeCategory.OtherLetter => Letter,
            UnicodeCategory.DecimalDigitNumber or UnicodeCategory.LetterNumber or UnicodeCategory.OtherNumber => Number,
            _ => Other,
        };
    }

    private static byte[] BuildBmpClasses()
    {
        var table = new byte[0x10000];
        for (var cp = 0; cp < 0x10000; cp++)
        {
            table[cp] = cp is >= 0xD800 and <= 0xDFFF ? Other : ClassOf(cp);
        }

        return table;
    }
}
