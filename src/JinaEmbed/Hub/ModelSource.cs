// Turns a --model argument into a model directory: a local folder as is, a hub id (org/name[@revision]) through the
// hub cache, downloading what is missing (issue #7). Every host (CLI, server, library users) resolves models here.
namespace JinaEmbed.Hub;

/// <summary>Resolves a model argument (local directory or hub id) to a directory the loader can read.</summary>
public static class ModelSource
{
    /// <summary>The model served and embedded when none is named.</summary>
    public const string DefaultModel = "jinaai/jina-embeddings-v3";

    /// <summary>
    /// Returns <paramref name="modelOrHubId"/> itself (full path) when it is an existing directory; otherwise parses it
    /// as <c>org/name[@revision]</c> and returns the cached snapshot, downloading missing files first.
    /// </summary>
    /// <exception cref="HubException">Not a directory nor a hub id, or the download failed (the message says what to do).</exception>
    public static async Task<string> ResolveAsync(string modelOrHubId, HubOptions? options = null, IProgress<HubProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(modelOrHubId);
        if (Directory.Exists(modelOrHubId))
        {
            return Path.GetFullPath(modelOrHubId);
        }

        if (!HubModelId.TryParse(modelOrHubId, out var id))
        {
            throw new HubException(HubErrorKind.InvalidModelId,
                $"'{modelOrHubId}' is neither an existing directory nor a hub id. Next: pass a model folder (with config.json, " +
                $"tokenizer.json, model.safetensors) or a hub id such as {DefaultModel} or {DefaultModel}@<revision>.");
        }

        using var client = new HubClient(options);
        return await client.DownloadSnapshotAsync(id, progress, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>True when the argument would be read from the hub rather than from a local directory.</summary>
    public static bool IsHubId(string modelOrHubId) => !Directory.Exists(modelOrHubId) && HubModelId.TryParse(modelOrHubId, out _);
}
