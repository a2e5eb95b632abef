namespace JinaEmbed.Embedding;

/// <summary>An embedding call was refused; <see cref="Kind"/> says why and <see cref="Param"/> names the offending field.</summary>
public sealed class EmbeddingException : Exception
{
    public EmbeddingException(EmbeddingErrorKind kind, string message, string? param = null)
        : this(kind, message, param, remedy: null)
    {
    }

    /// <summary>A refusal whose <paramref name="remedy"/> is the library's way out; hosts replace it with their own.</summary>
    /// <param name="kind">The reason.</param>
    /// <param name="problem">What is wrong, e.g. <c>input[1] has 402 tokens; the maximum is 256</c>.</param>
    /// <param name="param">The request field at fault, if any.</param>
    /// <param name="remedy">How a library caller gets past it (<c>set EmbedOptions.Truncate to cut it</c>); null when none.</param>
    public EmbeddingException(EmbeddingErrorKind kind, string problem, string? param, string? remedy)
        : base(remedy == null ? problem : $"{problem} ({remedy}).")
    {
        Kind = kind;
        Param = param;
        Problem = problem;
        Remedy = remedy;
    }

    /// <summary>The reason.</summary>
    public EmbeddingErrorKind Kind { get; }

    /// <summary>The request field at fault (<c>input</c>, <c>task</c>, <c>dimensions</c>), if any.</summary>
    public string? Param { get; }

    /// <summary>
    /// The message without the library's remedy: the CLI and the server add the flag or request field that fixes it
    /// (<c>--truncate</c>, <c>"truncate": true</c>) instead of naming an <see cref="EmbedOptions"/> property.
    /// </summary>
    public string Problem { get; }

    /// <summary>The library's way out that <see cref="Exception.Message"/> ends with, or null.</summary>
    public string? Remedy { get; }
}
