// The five jina-embeddings-v3 task adapters (spec jina-embeddings-v3.md §4.4, §5) plus the base model, as a typed choice.
namespace JinaEmbed.Integration;

/// <summary>A jina-embeddings-v3 task: selects the LoRA adapter and the prompt prepended to each text.</summary>
public enum JinaTask
{
    /// <summary>The base model: no adapter and no prompt (task name <c>none</c>).</summary>
    None,

    /// <summary>Queries of asymmetric retrieval (<c>retrieval.query</c>); pair with <see cref="RetrievalPassage"/> for the documents.</summary>
    RetrievalQuery,

    /// <summary>Documents of asymmetric retrieval (<c>retrieval.passage</c>).</summary>
    RetrievalPassage,

    /// <summary>Clustering and re-ranking (<c>separation</c>).</summary>
    Separation,

    /// <summary>Features for classifiers (<c>classification</c>).</summary>
    Classification,

    /// <summary>Symmetric similarity, the general-purpose choice (<c>text-matching</c>).</summary>
    TextMatching,
}
