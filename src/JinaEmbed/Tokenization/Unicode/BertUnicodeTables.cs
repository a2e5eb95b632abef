// Which code points HF's BERT components know: their categories come from the unicode_categories crate, whose tables
// are from an old Unicode version (generated: AssignedInBertTables), so later additions count as unassigned there.
using System.Globalization;

namespace JinaEmbed.Tokenization.Unicode;

internal static class BertUnicodeTables
{
    private static readonly Lazy<(int[] Starts, int[] Ends)> Ranges = new(Parse);

    /// <summary>True when <paramref name="cp"/> was assigned in the Unicode version of HF's category tables.</summary>
    public static bool IsKnown(int cp)
    {
        // Below U+0530 every code point assigned today was assigned by Unicode 7.0 (DerivedAge).
        if (cp < 0x0530)
        {
            return true;
        }

        var (starts, ends) = Ranges.Value;
        var i = Array.BinarySearch(starts, cp);
        if (i < 0)
        {
            i = ~i - 1;
        }

        return i >= 0 && cp <= ends[i];
    }

    /// <summary>The category as HF's BERT components see it: unassigned for code points their tables do not know.</summary>
    public static UnicodeCategory Category(int cp)
    {
        if (cp is >= 0xD800 and <= 0xDFFF)
        {
            return UnicodeCategory.Surrogate;
        }

        return IsKnown(cp) ? CharUnicodeInfo.GetUnicodeCategory(cp) : UnicodeCategory.OtherNotAssigned;
    }

    private static (int[], int[]) Parse()
    {
        var starts = new List<int>();
        var ends = new List<int>();
        foreach (var item in UnicodeNormalizationData.AssignedInBertTables.Split([' ', '\n', '\r'], StringSplitOptions.RemoveEmptyEntries))
        {
            var dash = item.IndexOf('-');
            var a = int.Parse(dash < 0 ? item : item[..dash], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
            var b = dash < 0 ? a : int.Parse(item[(dash + 1)..], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
            starts.Add(a);
            ends.Add(b);
        }

        return ([.. starts], [.. ends]);
    }
}
