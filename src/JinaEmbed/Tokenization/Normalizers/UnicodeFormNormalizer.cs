// "NFC", "NFD", "NFKC", "NFKD" normalizers over our own Unicode tables, with HF's alignments and Unicode 9.0 behaviour
// (AlignedNormalization); string.Normalize is a no-op under InvariantGlobalization for the decomposition forms.
using System.Text;
using JinaEmbed.Tokenization.Unicode;

namespace JinaEmbed.Tokenization.Normalizers;

internal sealed class UnicodeFormNormalizer(NormalizationForm form) : TextNormalizer
{
    public override void Normalize(ref NormalizedText text, ref NormalizedText spare)
    {
        var chars = text.Chars;
        var plain = true;
        foreach (var c in chars)
        {
            if (c >= 0xA0)
            {
                plain = false;
                break;
            }
        }

        // Most text is already NFC: then nothing moves and the alignments stay.
        if (plain || (form == NormalizationForm.FormC && AlignedNormalization.IsNfcStable(chars)))
        {
            return;
        }

        AlignedNormalization.Apply(text, spare, form);
        Swap(ref text, ref spare);
    }
}
