// Which outputs a request asks for (jina-embeddings-v4 spec §8): one pooled vector per item, one vector per token, or both
// from the same forward pass.
namespace JinaEmbed.Embedding;

/// <summary>The kinds of embedding an item yields.</summary>
[Flags]
public enum EmbeddingOutput
{
    /// <summary>One pooled, Matryoshka-truncatable vector per item (every model).</summary>
    SingleVector = 1,

    /// <summary>One late-interaction vector per token of the item (models with a multi-vector head: jina-embeddings-v4).</summary>
    MultiVector = 2,

    /// <summary>Both, from one forward pass.</summary>
    Both = SingleVector | MultiVector,
}
