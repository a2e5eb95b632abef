// A hub model id `org/name` with an optional `@revision` (branch, tag or commit), as the CLI and server accept it.
namespace JinaEmbed.Hub;

/// <summary>A repository on the hub and the revision to use.</summary>
/// <param name="Repository">The repository id, <c>org/name</c>.</param>
/// <param name="Revision">A branch, tag or 40-hex commit; <c>main</c> when none was given.</param>
public sealed record HubModelId(string Repository, string Revision)
{
    /// <summary>The revision used when the id names none.</summary>
    public const string DefaultRevision = "main";

    /// <summary>True when <see cref="Revision"/> is a full commit hash, which never moves.</summary>
    public bool IsCommit => IsCommitHash(Revision);

    /// <summary>Parses <c>org/name</c> or <c>org/name@revision</c>; false for anything else.</summary>
    public static bool TryParse(string? text, out HubModelId id)
    {
        id = null!;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        var at = text.IndexOf('@', StringComparison.Ordinal);
        var repository = at < 0 ? text : text[..at];
        var revision = at < 0 ? DefaultRevision : text[(at + 1)..];
        var slash = repository.IndexOf('/', StringComparison.Ordinal);
        if (slash <= 0 || slash != repository.LastIndexOf('/') || slash == repository.Length - 1)
        {
            return false;
        }

        if (!IsNamePart(repository.AsSpan(0, slash)) || !IsNamePart(repository.AsSpan(slash + 1)) || !IsRevision(revision))
        {
            return false;
        }

        id = new HubModelId(repository, revision);
        return true;
    }

    /// <summary>Parses <c>org/name[@revision]</c>.</summary>
    /// <exception cref="HubException">The text is not a hub id (<see cref="HubErrorKind.InvalidModelId"/>).</exception>
    public static HubModelId Parse(string text) => TryParse(text, out var id)
        ? id
        : throw new HubException(HubErrorKind.InvalidModelId, $"'{text}' is not a hub model id; expected org/name or org/name@revision (e.g. jinaai/jina-embeddings-v3).");

    /// <summary>True for a full 40-character lower-case hex commit hash.</summary>
    public static bool IsCommitHash(string revision) => revision.Length == 40 && revision.All(c => char.IsAsciiDigit(c) || c is >= 'a' and <= 'f');

    /// <inheritdoc />
    public override string ToString() => Revision == DefaultRevision ? Repository : $"{Repository}@{Revision}";

    // Hub names: letters, digits, '-', '_', '.'; no "--" or ".." (the cache folder uses "--" as separator).
    private static bool IsNamePart(ReadOnlySpan<char> part) =>
        part.Length is > 0 and <= 96
        && !part.Contains("--", StringComparison.Ordinal)
        && !part.Contains("..", StringComparison.Ordinal)
        && part[0] != '.' && part[0] != '-'
        && !part.ContainsAnyExcept(NameChars);

    private static bool IsRevision(string revision) =>
        revision.Length is > 0 and <= 256
        && !revision.Contains("..", StringComparison.Ordinal)
        && revision[0] != '/' && revision[^1] != '/'
        && !revision.AsSpan().ContainsAnyExcept(RevisionChars);

    private static readonly System.Buffers.SearchValues<char> NameChars =
        System.Buffers.SearchValues.Create("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.");

    private static readonly System.Buffers.SearchValues<char> RevisionChars =
        System.Buffers.SearchValues.Create("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./");
}
