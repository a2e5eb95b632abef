// "Lowercase" normalizer: Unicode lowercase per code point, as Rust's char::to_lowercase (no final-sigma rule).
using System.Text;

namespace JinaEmbed.Tokenization.Normalizers;

internal sealed class LowercaseNormalizer : TextNormalizer
{
    public override void Normalize(ref NormalizedText text, ref NormalizedText spare) => Lowercase(ref text, ref spare);

    /// <summary>Lowercases in place where lengths allow; U+0130 (the only multi-char lowercase) goes through a transform.</summary>
    public static void Lowercase(ref NormalizedText text, ref NormalizedText spare)
    {
        var chars = text.RawChars;
        var length = text.Length;
        var needsTransform = false;
        for (var i = 0; i < length; i++)
        {
            var c = chars[i];
            if (c < 0x80)
            {
                if (c is >= 'A' and <= 'Z')
                {
                    chars[i] = (char)(c + 32);
                }

                continue;
            }

            if (c == '\u0130')
            {
                needsTransform = true;
                continue;
            }

            if (char.IsHighSurrogate(c) && i + 1 < length && char.IsLowSurrogate(chars[i + 1]))
            {
                var lower = Rune.ToLowerInvariant(new Rune(c, chars[i + 1]));
                if (lower.Utf16SequenceLength == 2)
                {
                    lower.EncodeToUtf16(chars.AsSpan(i, 2));
                }

                i++;
                continue;
            }

            if (!char.IsSurrogate(c))
            {
                chars[i] = char.ToLowerInvariant(c);
            }
        }

        if (!needsTransform)
        {
            return;
        }

        var transform = new TextTransform(text, spare);
        for (var i = 0; i < length; i++)
        {
            var cp = text.CodePointAt(i);
            if (cp > 0xFFFF)
            {
                i++;
            }

            if (cp == 0x130)
            {
                transform.Emit('i', 0);
                transform.Emit(0x307, 1);
            }
            else
            {
                transform.Emit(cp, 0);
            }
        }

        transform.Finish();
        Swap(ref text, ref spare);
    }
}
