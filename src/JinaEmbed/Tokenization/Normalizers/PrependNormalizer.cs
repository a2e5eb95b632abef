// "Prepend" normalizer: puts a string before non-empty text, aligned to the first char (HF's prepend).
namespace JinaEmbed.Tokenization.Normalizers;

internal sealed class PrependNormalizer(string prefix) : TextNormalizer
{
    public override void Normalize(ref NormalizedText text, ref NormalizedText spare)
    {
        if (text.Length == 0 || prefix.Length == 0)
        {
            return;
        }

        spare.Clear(text.Origin);
        foreach (var c in prefix)
        {
            spare.Append(c, text.Starts[0], text.Ends[0]);
        }

        spare.AppendFrom(text, 0, text.Length);
        Swap(ref text, ref spare);
    }
}
