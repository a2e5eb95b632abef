// One entry of tokenizer.json's "added_tokens" (spec §2.5).
namespace JinaEmbed.Tokenization;

/// <summary>A token matched literally in the text before the model runs.</summary>
/// <param name="Id">Its id.</param>
/// <param name="Content">The literal text.</param>
/// <param name="SingleWord">Match only when not inside a word.</param>
/// <param name="LStrip">The match also absorbs whitespace on its left.</param>
/// <param name="RStrip">The match also absorbs whitespace on its right.</param>
/// <param name="Normalized">Matched in the normalized text instead of the raw text.</param>
/// <param name="Special">A special token (skipped by decoding with skipSpecialTokens).</param>
public sealed record AddedToken(int Id, string Content, bool SingleWord, bool LStrip, bool RStrip, bool Normalized, bool Special);
