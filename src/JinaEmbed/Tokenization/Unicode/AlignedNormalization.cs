// NFC/NFD/NFKC/NFKD as Hugging Face computes them (spec §2.3 step 2, §2.5, §2.8): the crate
// unicode-normalization-alignments with Unicode 9.0 data yields (char, change) pairs that NormalizedString.transform
// turns into alignments positionally. Decomposition gives an expansion's first char change 0 and the others +1;
// canonical ordering (a stable sort by combining class) moves chars with their changes; composition folds a char
// into its starter, adding (change − 1). Code points unassigned in Unicode 9.0 are starters without decomposition,
// so compositions and combining classes added later (U+11938, U+1DFA) are not applied, as in HF.
using System.Text;

namespace JinaEmbed.Tokenization.Unicode;

internal static class AlignedNormalization
{
    private static readonly Lazy<bool[]> StableBmp = new(BuildStableBmp);

    /// <summary>True when NFC leaves every code point of <paramref name="text"/> as it is (then the alignments stay).</summary>
    public static bool IsNfcStable(ReadOnlySpan<char> text)
    {
        var stable = StableBmp.Value;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c < 0x300)
            {
                continue;
            }

            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                if (!IsStable(char.ConvertToUtf32(c, text[i + 1])))
                {
                    return false;
                }

                i++;
                continue;
            }

            if (!stable[c])
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Writes the normalization of <paramref name="source"/> into <paramref name="target"/> with HF's alignments.</summary>
    public static void Apply(NormalizedText source, NormalizedText target, NormalizationForm form)
    {
        var compatibility = form is NormalizationForm.FormKD or NormalizationForm.FormKC;
        var s = Scratch.Get();
        var runes = s.Runes;
        var changes = s.Changes;
        var classes = s.Classes;
        runes.Clear();
        changes.Clear();
        classes.Clear();
        var parts = s.Parts;
        for (var i = 0; i < source.Length; i++)
        {
            var cp = source.CodePointAt(i);
            if (cp > 0xFFFF)
            {
                i++;
            }

            parts.Clear();
            if (IsKnown(cp))
            {
                UnicodeNormalization.Decompose(cp, compatibility, parts);
            }
            else
            {
                parts.Add(cp);
            }

            for (var k = 0; k < parts.Count; k++)
            {
                var d = parts[k];
                runes.Add(d);
                changes.Add(k == 0 ? 0 : 1);
                classes.Add(Class(d));
            }
        }

        CanonicalOrder(runes, changes, classes);
        var count = form is NormalizationForm.FormC or NormalizationForm.FormKC ? Compose(runes, changes, classes) : runes.Count;
        var transform = new TextTransform(source, target);
        for (var k = 0; k < count; k++)
        {
            transform.Emit(runes[k], changes[k]);
        }

        transform.Finish();
    }

    private static bool IsKnown(int cp) => BertUnicodeTables.IsKnown(cp);

    private static int Class(int cp) => IsKnown(cp) ? UnicodeNormalization.CombiningClass(cp) : 0;

    private static bool IsStable(int cp) => !IsKnown(cp) || UnicodeNormalization.IsNfcStable(cp);

    private static bool[] BuildStableBmp()
    {
        var table = new bool[0x10000];
        for (var cp = 0; cp < table.Length; cp++)
        {
            table[cp] = cp is >= 0xD800 and <= 0xDFFF || IsStable(cp);
        }

        return table;
    }

    /// <summary>Stable sort of each run of non-starters by combining class; changes travel with their chars.</summary>
    private static void CanonicalOrder(List<int> runes, List<int> changes, List<int> classes)
    {
        for (var i = 1; i < runes.Count; i++)
        {
            var c = classes[i];
            if (c == 0)
            {
                continue;
            }

            for (var j = i; j > 0 && classes[j - 1] > c; j--)
            {
                (runes[j], runes[j - 1]) = (runes[j - 1], runes[j]);
                (changes[j], changes[j - 1]) = (changes[j - 1], changes[j]);
                (classes[j], classes[j - 1]) = (classes[j - 1], classes[j]);
            }
        }
    }

    /// <summary>Canonical composition in place (the crate's Recompositions); returns the new count.</summary>
    private static int Compose(List<int> runes, List<int> changes, List<int> classes)
    {
        var write = 0;
        var composee = -1; // index (in the output) of the current starter, or -1
        var lastClass = -1; // class of the last char kept after the composee, -1 when none
        for (var read = 0; read < runes.Count; read++)
        {
            var ch = runes[read];
            var change = changes[read];
            var cls = classes[read];
            if (composee >= 0 && (lastClass < 0 || lastClass < cls))
            {
                var composite = IsKnown(runes[composee]) && IsKnown(ch) ? UnicodeNormalization.Compose(runes[composee], ch) : -1;
                if (composite >= 0 && IsKnown(composite))
                {
                    runes[composee] = composite;
                    changes[composee] += change - 1;
                    continue;
                }
            }

            runes[write] = ch;
            changes[write] = change;
            classes[write] = cls;
            if (cls == 0)
            {
                composee = write;
                lastClass = -1;
            }
            else if (composee >= 0)
            {
                lastClass = cls;
            }

            write++;
        }

        return write;
    }

    private sealed class Scratch
    {
        [ThreadStatic]
        private static Scratch? _instance;

        public List<int> Runes { get; } = [];

        public List<int> Changes { get; } = [];

        public List<int> Classes { get; } = [];

        public List<int> Parts { get; } = [];

        public static Scratch Get() => _instance ??= new Scratch();
    }
}
