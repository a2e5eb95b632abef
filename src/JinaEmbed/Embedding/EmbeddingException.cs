namespace JinaEmbed.Embedding;

/// <summary>An embedding call was refused; <see cref="Kind"/> says why and <see cref="Param"/> names the offending field.</summary>
public sealed class EmbeddingException : Exception
{
    public EmbeddingException(EmbeddingErrorKind kind, string message, string? param = null)
        : base(message)
    {
        Kind = kind;
        Param = param;
    }

    /// <summary>The reason.</summary>
    public EmbeddingErrorKind Kind { get; }

    /// <summary>The request field at fault (<c>input</c>, <c>task</c>, <c>dimensions</c>), if any.</summary>
    public string? Param { get; }
}
