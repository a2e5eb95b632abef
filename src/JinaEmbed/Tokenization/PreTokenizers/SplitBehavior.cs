// What "Split" does with a match (HF's SplitDelimiterBehavior).
namespace JinaEmbed.Tokenization.PreTokenizers;

internal enum SplitBehavior
{
    Removed,
    Isolated,
    MergedWithPrevious,
    MergedWithNext,
    Contiguous,
}
