// One encoder pass of a late-chunking plan: a window of the document's token ids and the adapter to run it with.
namespace JinaEmbed.Embedding;

/// <summary>Token ids of one window (RoPE positions restart at 0) and its adapter (−1 = none).</summary>
public sealed record LateChunkingSequence(int[] Ids, int Adapter);
