// "Sequence" normalizer: applies its children in order (spec §2.2).
namespace JinaEmbed.Tokenization.Normalizers;

internal sealed class SequenceNormalizer(TextNormalizer[] steps) : TextNormalizer
{
    public override void Normalize(ref NormalizedText text, ref NormalizedText spare)
    {
        foreach (var step in steps)
        {
            step.Normalize(ref text, ref spare);
        }
    }
}
