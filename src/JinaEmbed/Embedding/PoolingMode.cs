// How token states become one vector (sentence-transformers 1_Pooling/config.json; docs/models.md).
namespace JinaEmbed.Embedding;

/// <summary>A pooling of the token states of one sequence.</summary>
public enum PoolingMode
{
    /// <summary>Mean over every token, special tokens included.</summary>
    Mean,

    /// <summary>The state of the first token ([CLS]).</summary>
    Cls,

    /// <summary>Element-wise maximum over every token.</summary>
    Max,
}
