// Our own Unicode normalization forms (NFD, NFKD, NFC, NFKC) with per-code-point alignment, from generated tables:
// under InvariantGlobalization string.Normalize leaves text unchanged for these forms (see issue #2 pitfall).
using System.Globalization;
using System.Text;

namespace JinaEmbed.Tokenization.Unicode;

/// <summary>Unicode decomposition, canonical ordering and composition (UAX #15) over code points.</summary>
internal static class UnicodeNormalization
{
    private const int SBase = 0xAC00, LBase = 0x1100, VBase = 0x1161, TBase = 0x11A7;
    private const int LCount = 19, VCount = 21, TCount = 28, NCount = VCount * TCount, SCount = LCount * NCount;

    private static readonly Lazy<Tables> Data = new(Tables.Build);

    /// <summary>Canonical combining class of a code point.</summary>
    public static int CombiningClass(int cp)
    {
        var t = Data.Value;
        if (cp < 0x10000)
        {
            return t.BmpClass[cp];
        }

        return t.SupplementaryClass.TryGetValue(cp, out var c) ? c : 0;
    }

    /// <summary>Appends the full decomposition of <paramref name="cp"/> (canonical or compatibility) to <paramref name="output"/>.</summary>
    public static void Decompose(int cp, bool compatibility, List<int> output)
    {
        if (cp is >= SBase and < SBase + SCount)
        {
            var s = cp - SBase;
            output.Add(LBase + (s / NCount));
            output.Add(VBase + (s % NCount / TCount));
            var t = s % TCount;
            if (t != 0)
            {
                output.Add(TBase + t);
            }

            return;
        }

        var tables = Data.Value;
        var map = compatibility ? tables.Compatibility : tables.Canonical;
        if (map.TryGetValue(cp, out var parts))
        {
            foreach (var p in parts)
            {
                Decompose(p, compatibility, output);
            }
        }
        else
        {
            output.Add(cp);
        }
    }

    /// <summary>True when <paramref name="cp"/> has a decomposition in the given form.</summary>
    public static bool HasDecomposition(int cp, bool compatibility)
    {
        if (cp is >= SBase and < SBase + SCount)
        {
            return true;
        }

        var tables = Data.Value;
        return (compatibility ? tables.Compatibility : tables.Canonical).ContainsKey(cp);
    }

    /// <summary>The primary composite of two code points, or -1.</summary>
    public static int Compose(int first, int second)
    {
        if (first is >= LBase and < LBase + LCount && second is >= VBase and < VBase + VCount)
        {
            return SBase + ((((first - LBase) * VCount) + (second - VBase)) * TCount);
        }

        if (first is >= SBase and < SBase + SCount && (first - SBase) % TCount == 0 && second is > TBase and < TBase + TCount)
        {
            return first + (second - TBase);
        }

        return Data.Value.Compositions.TryGetValue(((long)first << 21) | (uint)second, out var c) ? c : -1;
    }

    /// <summary>True when <paramref name="cp"/> is left as it is by NFC in any context: a starter that is not the
    /// second of a composition and that NFC does not decompose (NFC_Quick_Check Yes with combining class 0).</summary>
    public static bool IsNfcStable(int cp)
    {
        if (cp is >= SBase and < SBase + SCount)
        {
            return true;
        }

        if (cp is >= VBase and < VBase + VCount or > TBase and < TBase + TCount)
        {
            return false;
        }

        var t = Data.Value;
        return CombiningClass(cp) == 0 && !t.Seconds.Contains(cp) && (!t.Canonical.ContainsKey(cp) || t.Composites.Contains(cp));
    }

    private sealed class Tables
    {
        public byte[] BmpClass { get; } = new byte[0x10000];

        public Dictionary<int, byte> SupplementaryClass { get; } = [];

        public Dictionary<int, int[]> Canonical { get; } = [];

        public Dictionary<int, int[]> Compatibility { get; } = [];

        public Dictionary<long, int> Compositions { get; } = [];

        public HashSet<int> Seconds { get; } = [];

        public HashSet<int> Composites { get; } = [];

        public static Tables Build()
        {
            var t = new Tables();
            foreach (var item in UnicodeNormalizationData.CombiningClasses.Split([' ', '\n', '\r'], StringSplitOptions.RemoveEmptyEntries))
            {
                var colon = item.IndexOf(':');
                var (a, b) = ParseRange(item[..colon]);
                var cls = byte.Parse(item[(colon + 1)..], CultureInfo.InvariantCulture);
                for (var cp = a; cp <= b; cp++)
                {
                    if (cp < 0x10000)
                    {
                        t.BmpClass[cp] = cls;
                    }
                    else
                    {
                        t.SupplementaryClass[cp] = cls;
                    }
                }
            }

            var excluded = new HashSet<int>();
            foreach (var item in UnicodeNormalizationData.CompositionExclusions.Split([' ', '\n', '\r'], StringSplitOptions.RemoveEmptyEntries))
            {
                var (a, b) = ParseRange(item);
                for (var cp = a; cp <= b; cp++)
                {
                    excluded.Add(cp);
                }
            }

            foreach (var line in UnicodeNormalizationData.Decompositions.Split('\n', StringSplitOptions.RemoveEmptyEntries))
            {
                var parts = line.Trim().Split(' ');
                var cp = int.Parse(parts[0], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
                var seq = new int[parts.Length - 2];
                for (var k = 0; k < seq.Length; k++)
                {
                    seq[k] = int.Parse(parts[k + 2], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
                }

                t.Compatibility[cp] = seq;
                if (parts[1] == "c")
                {
                    t.Canonical[cp] = seq;
                    if (seq.Length == 2 && !excluded.Contains(cp))
                    {
                        t.Compositions[((long)seq[0] << 21) | (uint)seq[1]] = cp;
                        t.Seconds.Add(seq[1]);
                        t.Composites.Add(cp);
                    }
                }
            }

            return t;
        }

        private static (int, int) ParseRange(string s)
        {
            var dash = s.IndexOf('-');
            if (dash < 0)
            {
                var v = int.Parse(s, NumberStyles.HexNumber, CultureInfo.InvariantCulture);
                return (v, v);
            }

            return (int.Parse(s[..dash], NumberStyles.HexNumber, CultureInfo.InvariantCulture),
                int.Parse(s[(dash + 1)..], NumberStyles.HexNumber, CultureInfo.InvariantCulture));
        }
    }

    /// <summary>Normalizes a plain string (used by tests and decoders; the tokenizer path keeps alignments instead).</summary>
    public static string Normalize(string text, NormalizationForm form)
    {
        var src = new NormalizedText();
        src.SetOriginal(text, 0);
        var dst = new NormalizedText();
        AlignedNormalization.Apply(src, dst, form);
        return dst.ToString();
    }
}
