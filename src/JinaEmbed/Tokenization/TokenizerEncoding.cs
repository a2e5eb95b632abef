// The result of encoding one text.
namespace JinaEmbed.Tokenization;

/// <summary>Token ids, pieces and UTF-16 offsets of one encoded text.</summary>
public sealed class TokenizerEncoding
{
    private int[]? _attentionMask;

    /// <summary>Creates an encoding; all arrays have one entry per token.</summary>
    public TokenizerEncoding(int[] ids, string[] tokens, (int Start, int End)[] offsets, bool[] specialTokensMask, int[]? typeIds = null, int[]? attentionMask = null)
    {
        Ids = ids;
        Tokens = tokens;
        Offsets = offsets;
        SpecialTokensMask = specialTokensMask;
        TypeIds = typeIds ?? new int[ids.Length];
        _attentionMask = attentionMask;
    }

    /// <summary>Token ids.</summary>
    public int[] Ids { get; }

    /// <summary>Token strings (pieces).</summary>
    public string[] Tokens { get; }

    /// <summary>Per token [Start, End) in UTF-16 code units of the input text; (0, 0) for added special tokens.</summary>
    public (int Start, int End)[] Offsets { get; }

    /// <summary>True for tokens added by the post-processor or matched as special added tokens.</summary>
    public bool[] SpecialTokensMask { get; }

    /// <summary>Token type (segment) ids; zeros for a single sequence.</summary>
    public int[] TypeIds { get; }

    /// <summary>1 for real tokens, 0 for padding.</summary>
    public int[] AttentionMask => _attentionMask ??= CreateOnes(Ids.Length);

    /// <summary>Number of tokens.</summary>
    public int Count => Ids.Length;

    private static int[] CreateOnes(int n)
    {
        var a = new int[n];
        Array.Fill(a, 1);
        return a;
    }
}
