// Why a hub operation failed, so hosts can map it to an exit code or status (issue #7).
namespace JinaEmbed.Hub;

/// <summary>The reason a <see cref="HubException"/> was thrown.</summary>
public enum HubErrorKind
{
    /// <summary>The hub refused the credentials, or the repository is private or gated (HTTP 401/403).</summary>
    Unauthorized,

    /// <summary>The repository does not exist (HTTP 404).</summary>
    RepositoryNotFound,

    /// <summary>The repository exists but the revision (branch, tag or commit) does not.</summary>
    RevisionNotFound,

    /// <summary>A file listed for the revision could not be found.</summary>
    FileNotFound,

    /// <summary>Offline mode is on (HF_HUB_OFFLINE) and the cache does not hold the model.</summary>
    NotInCache,

    /// <summary>The hub could not be reached, or a transfer failed after its retries.</summary>
    Network,

    /// <summary>A downloaded file did not match the size or hash the hub announced.</summary>
    Integrity,

    /// <summary>The hub answered something this client does not understand.</summary>
    Protocol,

    /// <summary>The model argument is neither an existing directory nor a hub id.</summary>
    InvalidModelId,
}
