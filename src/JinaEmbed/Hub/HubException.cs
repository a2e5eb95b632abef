// The one exception type of the hub client: a kind plus a message that names the next step (issue #7).
namespace JinaEmbed.Hub;

/// <summary>A hub download or cache lookup failed; <see cref="Exception.Message"/> says what to do next.</summary>
public sealed class HubException : Exception
{
    /// <summary>Creates the exception.</summary>
    public HubException(HubErrorKind kind, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        Kind = kind;
    }

    /// <summary>Why it failed.</summary>
    public HubErrorKind Kind { get; }

    /// <summary>The HTTP status the hub answered, when there was one.</summary>
    public int? StatusCode { get; init; }
}
