// One element of a TemplateProcessing template (spec §2.2 step 5).
namespace JinaEmbed.Tokenization;

/// <summary>Either a special token (its ids) or a sequence slot (A or B), with the type id it gets.</summary>
internal sealed record TemplatePiece(bool IsSequence, bool IsSecond, int[] Ids, string[] Tokens, int TypeId);
