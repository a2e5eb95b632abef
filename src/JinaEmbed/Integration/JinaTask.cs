// The tasks of jina-embeddings-v3 (five adapters plus the base model, spec jina-embeddings-v3.md §4.4, §5) and of
// jina-embeddings-v4 (five tasks over three adapters, spec jina-embeddings-v4.md §9), as a typed choice. New members go
// at the end so the numeric values of the v3 ones never change.
namespace JinaEmbed.Integration;

/// <summary>
/// A task: selects the LoRA adapter and the prompt prepended to each text. jina-embeddings-v3 has <see cref="None"/>
/// through <see cref="TextMatching"/>; jina-embeddings-v4 has <see cref="RetrievalQuery"/>, <see cref="RetrievalPassage"/>,
/// <see cref="TextMatching"/>, <see cref="CodeQuery"/> and <see cref="CodePassage"/>. A task the loaded model lacks is
/// refused by the call (EmbeddingException, InvalidTask).
/// </summary>
public enum JinaTask
{
    /// <summary>The base model: no adapter and no prompt (task name <c>none</c>; jina-embeddings-v3 only).</summary>
    None,

    /// <summary>Queries of asymmetric retrieval (<c>retrieval.query</c>); pair with <see cref="RetrievalPassage"/> for the documents.</summary>
    RetrievalQuery,

    /// <summary>Documents of asymmetric retrieval (<c>retrieval.passage</c>).</summary>
    RetrievalPassage,

    /// <summary>Clustering and re-ranking (<c>separation</c>; jina-embeddings-v3 only).</summary>
    Separation,

    /// <summary>Features for classifiers (<c>classification</c>; jina-embeddings-v3 only).</summary>
    Classification,

    /// <summary>Symmetric similarity, the general-purpose choice (<c>text-matching</c>).</summary>
    TextMatching,

    /// <summary>Natural-language or code queries for code search (<c>code.query</c>; jina-embeddings-v4's code adapter, prefix <c>Query: </c>).</summary>
    CodeQuery,

    /// <summary>Code snippets searched by <see cref="CodeQuery"/> (<c>code.passage</c>; jina-embeddings-v4, prefix <c>Passage: </c>).</summary>
    CodePassage,
}
