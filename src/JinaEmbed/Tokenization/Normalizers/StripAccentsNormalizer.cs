// "StripAccents" normalizer: removes nonspacing marks (Mn); usually placed after NFD/NFKD.
using System.Globalization;

namespace JinaEmbed.Tokenization.Normalizers;

internal sealed class StripAccentsNormalizer : TextNormalizer
{
    public override void Normalize(ref NormalizedText text, ref NormalizedText spare)
    {
        spare.Clear(text.Origin);
        var removed = false;
        for (var i = 0; i < text.Length; i++)
        {
            var n = text.CodePointLength(i);
            var cp = text.CodePointAt(i);
            if (cp >= 0x300 && CharUnicodeInfo.GetUnicodeCategory(cp) == UnicodeCategory.NonSpacingMark)
            {
                removed = true;
            }
            else
            {
                spare.AppendFrom(text, i, i + n);
            }

            i += n - 1;
        }

        if (removed)
        {
            Swap(ref text, ref spare);
        }
    }
}
