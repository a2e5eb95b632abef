// The "padding" block of tokenizer.json (spec §2.6).
namespace JinaEmbed.Tokenization;

/// <summary>How encodings are padded: to a fixed length, or to the longest of a batch when <see cref="FixedLength"/> is null.</summary>
/// <param name="FixedLength">Pad every sequence to this length; null pads a batch to its longest.</param>
/// <param name="PadToMultipleOf">Round the target length up to a multiple of this, if set.</param>
/// <param name="PadId">Id of the pad token.</param>
/// <param name="PadTypeId">Type id of pad tokens.</param>
/// <param name="PadToken">The pad token string.</param>
/// <param name="FromLeft">Pad on the left instead of the right.</param>
public sealed record TokenizerPadding(int? FixedLength, int? PadToMultipleOf, int PadId, int PadTypeId, string PadToken, bool FromLeft = false);
