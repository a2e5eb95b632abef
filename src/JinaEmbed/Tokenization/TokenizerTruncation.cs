// The "truncation" block of tokenizer.json (spec §2.6).
namespace JinaEmbed.Tokenization;

/// <summary>How sequences are cut to <see cref="MaxLength"/> tokens (special tokens included; they are kept).</summary>
/// <param name="MaxLength">Maximum total tokens, special tokens included.</param>
/// <param name="Strategy">"longest_first", "only_first" or "only_second".</param>
/// <param name="FromLeft">Drop tokens from the start instead of the end.</param>
/// <param name="Stride">Overlap of overflowing windows (kept for completeness; overflow is not produced).</param>
public sealed record TokenizerTruncation(int MaxLength, string Strategy = "longest_first", bool FromLeft = false, int Stride = 0);
