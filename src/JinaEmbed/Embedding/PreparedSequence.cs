// One item ready for the encoder: token ids (prompt and specials included) and the adapter to run it with.
namespace JinaEmbed.Embedding;

/// <summary>Token ids and adapter of one sequence.</summary>
internal sealed record PreparedSequence(int[] Ids, int Adapter);
