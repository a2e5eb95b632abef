// What HEAD {endpoint}/{repo}/resolve/{commit}/{file} tells about one file before it is downloaded.
namespace JinaEmbed.Hub;

/// <summary>Metadata of one file on the hub.</summary>
/// <param name="Commit">X-Repo-Commit.</param>
/// <param name="Etag">X-Linked-Etag (the LFS sha256) or ETag (the git blob sha1), normalized; it names the blob.</param>
/// <param name="Size">X-Linked-Size or Content-Length, in bytes, when announced.</param>
/// <param name="Location">Where to GET the bytes (the CDN URL for LFS files).</param>
public sealed record HubFileMetadata(string? Commit, string Etag, long? Size, Uri Location);
