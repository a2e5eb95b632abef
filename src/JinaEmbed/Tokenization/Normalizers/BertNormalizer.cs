// "BertNormalizer" (issue #9): clean_text, handle_chinese_chars, strip_accents (null follows lowercase), lowercase,
// with HF's character classes.
using System.Globalization;
using System.Text;
using JinaEmbed.Tokenization.Unicode;

namespace JinaEmbed.Tokenization.Normalizers;

internal sealed class BertNormalizer(bool cleanText, bool handleChineseChars, bool? stripAccents, bool lowercase) : TextNormalizer
{
    public override void Normalize(ref NormalizedText text, ref NormalizedText spare)
    {
        if (cleanText)
        {
            // Drop NUL, U+FFFD and other (Cc, Cf, Cn, Co, Cs) characters; map whitespace to ' '. Kept chars keep alignments.
            spare.Clear(text.Origin);
            spare.EnsureCapacity(text.Length);
            for (var i = 0; i < text.Length; i++)
            {
                var n = text.CodePointLength(i);
                var cp = text.CodePointAt(i);
                if (!(cp == 0 || cp == 0xFFFD || IsControl(cp)))
                {
                    if (IsWhitespace(cp))
                    {
                        spare.Append(' ', text.Starts[i], text.Ends[i]);
                    }
                    else
                    {
                        spare.AppendFrom(text, i, i + n);
                    }
                }

                i += n - 1;
            }

            Swap(ref text, ref spare);
        }

        if (handleChineseChars)
        {
            var any = false;
            for (var i = 0; i < text.Length && !any; i++)
            {
                any = IsChineseChar(text.CodePointAt(i));
            }

            if (any)
            {
                spare.Clear(text.Origin);
                for (var i = 0; i < text.Length; i++)
                {
                    var n = text.CodePointLength(i);
                    var s = text.Starts[i];
                    var e = text.Ends[i];
                    if (IsChineseChar(text.CodePointAt(i)))
                    {
                        spare.Append(' ', s, e);
                        spare.AppendFrom(text, i, i + n);
                        spare.Append(' ', s, e);
                    }
                    else
                    {
                        spare.AppendFrom(text, i, i + n);
                    }

                    i += n - 1;
                }

                Swap(ref text, ref spare);
            }
        }

        if (stripAccents ?? lowercase)
        {
            var plain = true;
            foreach (var c in text.Chars)
            {
                if (c >= 0xA0)
                {
                    plain = false;
                    break;
                }
            }

            if (!plain)
            {
                AlignedNormalization.Apply(text, spare, NormalizationForm.FormD);
                Swap(ref text, ref spare);
                spare.Clear(text.Origin);
                for (var i = 0; i < text.Length; i++)
                {
                    var n = text.CodePointLength(i);
                    var cp = text.CodePointAt(i);
                    if (!IsNonSpacingMark(cp))
                    {
                        spare.AppendFrom(text, i, i + n);
                    }

                    i += n - 1;
                }

                Swap(ref text, ref spare);
            }
        }

        if (lowercase)
        {
            LowercaseNormalizer.Lowercase(ref text, ref spare);
        }
    }

    /// <summary>Rust char::is_whitespace plus tab, LF, CR.</summary>
    internal static bool IsWhitespace(int cp) => cp is '\t' or '\n' or '\r' || (cp < 0x10000 && char.IsWhiteSpace((char)cp));

    /// <summary>HF's is_control: unicode_categories' is_other = Cc, Cf, Co (not Cn, not Cs), except tab, LF and CR.</summary>
    internal static bool IsControl(int cp)
    {
        if (cp is '\t' or '\n' or '\r')
        {
            return false;
        }

        var category = Category(cp);
        return category is UnicodeCategory.Control or UnicodeCategory.Format or UnicodeCategory.PrivateUse;
    }

    internal static bool IsChineseChar(int cp) =>
        cp is (>= 0x4E00 and <= 0x9FFF) or (>= 0x3400 and <= 0x4DBF) or (>= 0x20000 and <= 0x2A6DF)
            or (>= 0x2A700 and <= 0x2B73F) or (>= 0x2B740 and <= 0x2B81F) or (>= 0x2B920 and <= 0x2CEAF)
            or (>= 0xF900 and <= 0xFAFF) or (>= 0x2F800 and <= 0x2FA1F);

    private static bool IsNonSpacingMark(int cp) => cp >= 0x300 && Category(cp) == UnicodeCategory.NonSpacingMark;

    /// <summary>Category as HF's BERT code sees it (its tables predate recent Unicode versions).</summary>
    internal static UnicodeCategory Category(int cp) => BertUnicodeTables.Category(cp);
}
