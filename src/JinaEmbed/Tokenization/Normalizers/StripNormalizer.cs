// "Strip" normalizer: removes leading and/or trailing Unicode whitespace; the kept chars keep their alignments.
namespace JinaEmbed.Tokenization.Normalizers;

internal sealed class StripNormalizer(bool left, bool right) : TextNormalizer
{
    public override void Normalize(ref NormalizedText text, ref NormalizedText spare)
    {
        var chars = text.Chars;
        var start = 0;
        var end = chars.Length;
        if (left)
        {
            while (start < end && char.IsWhiteSpace(chars[start]))
            {
                start++;
            }
        }

        if (right)
        {
            while (end > start && char.IsWhiteSpace(chars[end - 1]))
            {
                end--;
            }
        }

        if (start == 0 && end == chars.Length)
        {
            return;
        }

        spare.Clear(text.Origin);
        spare.AppendFrom(text, start, end);
        Swap(ref text, ref spare);
    }
}
