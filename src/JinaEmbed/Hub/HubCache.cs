// The Hugging Face cache layout, shared with huggingface_hub and every tool built on it:
// {cache}/models--org--name/{blobs/<etag>, snapshots/<commit>/<path> → ../../blobs/<etag>, refs/<revision>}.
using System.Text.Json;

namespace JinaEmbed.Hub;

/// <summary>Paths and operations of the Hugging Face hub cache (the <c>models--org--name</c> layout).</summary>
public sealed class HubCache
{
    /// <summary>Creates a view of the cache rooted at <paramref name="cacheDirectory"/> (HF_HUB_CACHE).</summary>
    public HubCache(string cacheDirectory)
    {
        ArgumentException.ThrowIfNullOrEmpty(cacheDirectory);
        CacheDirectory = Path.GetFullPath(cacheDirectory);
    }

    /// <summary>The cache root.</summary>
    public string CacheDirectory { get; }

    /// <summary><c>models--org--name</c>: the folder of one model repository.</summary>
    public string RepositoryFolder(string repository) => Path.Combine(CacheDirectory, FolderName(repository));

    /// <summary>The content-addressed file of one etag.</summary>
    public string BlobPath(string repository, string etag) => Path.Combine(RepositoryFolder(repository), "blobs", etag);

    /// <summary>True when the blob of <paramref name="etag"/> is already in the cache.</summary>
    public bool IsBlobPresent(string repository, string etag) => IsUsableFile(BlobPath(repository, etag));

    /// <summary>Where a download of <paramref name="etag"/> accumulates until it is verified (resumable).</summary>
    public string IncompletePath(string repository, string etag) => BlobPath(repository, etag) + ".incomplete";

    /// <summary>The lock file guarding one blob's download, where huggingface_hub puts it.</summary>
    public string LockPath(string repository, string etag) => Path.Combine(CacheDirectory, ".locks", FolderName(repository), etag + ".lock");

    /// <summary>The snapshot folder of one commit: the model directory the loader reads.</summary>
    public string SnapshotDirectory(string repository, string commit) => Path.Combine(RepositoryFolder(repository), "snapshots", commit);

    /// <summary>The path of a repository file inside a snapshot.</summary>
    public string SnapshotFilePath(string repository, string commit, string file) =>
        Path.Combine(SnapshotDirectory(repository, commit), file.Replace('/', Path.DirectorySeparatorChar));

    /// <summary>The commit a branch or tag pointed to when last seen online, or null.</summary>
    public string? ReadRef(string repository, string revision)
    {
        var path = RefPath(repository, revision);
        if (!File.Exists(path))
        {
            return null;
        }

        var commit = File.ReadAllText(path).Trim();
        return HubModelId.IsCommitHash(commit) ? commit : null;
    }

    /// <summary>Records that <paramref name="revision"/> points to <paramref name="commit"/> (refs/&lt;revision&gt;).</summary>
    public void WriteRef(string repository, string revision, string commit)
    {
        if (revision == commit)
        {
            return;
        }

        var path = RefPath(repository, revision);
        if (ReadRef(repository, revision) == commit)
        {
            return;
        }

        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var temp = path + "." + Guid.NewGuid().ToString("N")[..8] + ".tmp";
        File.WriteAllText(temp, commit);
        File.Move(temp, path, overwrite: true);
    }

    /// <summary>The commit a model id resolves to from the cache alone (a commit as is, else refs/), or null.</summary>
    public string? ResolveCommit(HubModelId id) => id.IsCommit ? id.Revision : ReadRef(id.Repository, id.Revision);

    /// <summary>The cached snapshot of <paramref name="id"/> when it holds a loadable model; no network.</summary>
    public bool TryGetSnapshot(HubModelId id, out string snapshotDirectory)
    {
        snapshotDirectory = "";
        var commit = ResolveCommit(id);
        if (commit == null)
        {
            return false;
        }

        var directory = SnapshotDirectory(id.Repository, commit);
        if (!IsLoadable(directory))
        {
            return false;
        }

        snapshotDirectory = directory;
        return true;
    }

    /// <summary>The index of a sharded checkpoint: <c>{"weight_map": {tensor name → shard file}}</c>.</summary>
    public const string ShardIndexFile = "model.safetensors.index.json";

    /// <summary>
    /// True when a snapshot folder holds config.json, tokenizer.json and safetensors weights, all readable: either
    /// model.safetensors, or the shard index and every shard it lists; a jina-embeddings-v4 folder also needs its
    /// adapters (adapters/adapter_config.json and adapters/adapter_model.safetensors).
    /// </summary>
    public static bool IsLoadable(string directory)
    {
        if (!IsUsableFile(Path.Combine(directory, "config.json")) || !IsUsableFile(Path.Combine(directory, "tokenizer.json")))
        {
            return false;
        }

        var index = Path.Combine(directory, ShardIndexFile);
        var weights = IsUsableFile(Path.Combine(directory, "model.safetensors"))
            || (IsUsableFile(index) && ReadShardNames(index) is { Count: > 0 } shards && shards.All(s => IsUsableFile(Path.Combine(directory, s))));
        return weights && (!IsJinaV4(directory) || AdapterFiles.All(f => IsUsableFile(Path.Combine(directory, f))));
    }

    /// <summary>The distinct shard files a shard index lists (relative paths), in order; empty when it is unreadable.</summary>
    public static IReadOnlyList<string> ReadShardNames(string indexPath)
    {
        try
        {
            using var json = JsonDocument.Parse(File.ReadAllBytes(indexPath));
            if (!json.RootElement.TryGetProperty("weight_map", out var map) || map.ValueKind != JsonValueKind.Object)
            {
                return [];
            }

            // Only plain relative paths: a hostile index must not name files outside the snapshot.
            return map.EnumerateObject().Select(p => p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString() : null)
                .OfType<string>().Where(IsPlainRelativePath).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        }
        catch (Exception e) when (e is JsonException or IOException or UnauthorizedAccessException)
        {
            return [];
        }
    }

    // jina-embeddings-v4 keeps its task LoRA in a PEFT folder that the loader requires (spec v4 §1.5).
    private static readonly string[] AdapterFiles = ["adapters/adapter_config.json", "adapters/adapter_model.safetensors"];

    private static bool IsJinaV4(string directory)
    {
        try
        {
            using var json = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(directory, "config.json")));
            return json.RootElement.TryGetProperty("architectures", out var list) && list.ValueKind == JsonValueKind.Array
                && list.EnumerateArray().Any(a => a.ValueKind == JsonValueKind.String && a.GetString() == Checkpoints.JinaV4Config.ArchitectureName);
        }
        catch (Exception e) when (e is JsonException or IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    private static bool IsPlainRelativePath(string path) =>
        path.Length > 0 && !path.StartsWith('/') && !path.Contains('\\', StringComparison.Ordinal) && path.Split('/').All(s => s.Length > 0 && s != "." && s != "..");

    /// <summary>True when the path is a file, or a link whose final target is an existing file.</summary>
    public static bool IsUsableFile(string path)
    {
        var info = new FileInfo(path);
        if (info.LinkTarget == null)
        {
            return info.Exists;
        }

        try
        {
            return info.ResolveLinkTarget(returnFinalTarget: true) is FileInfo { Exists: true };
        }
        catch (IOException)
        {
            return false;
        }
    }

    /// <summary>Publishes a verified download: an atomic rename of the incomplete file to its blob name.</summary>
    internal static void PublishBlob(string incompletePath, string blobPath) => File.Move(incompletePath, blobPath, overwrite: true);

    /// <summary>Makes snapshots/&lt;commit&gt;/&lt;file&gt; a relative link to ../../blobs/&lt;etag&gt; (a copy where links fail).</summary>
    public void LinkIntoSnapshot(string repository, string commit, string file, string etag)
    {
        var linkPath = SnapshotFilePath(repository, commit, file);
        var blobPath = BlobPath(repository, etag);
        Directory.CreateDirectory(Path.GetDirectoryName(linkPath)!);
        var info = new FileInfo(linkPath);
        if (info.Exists || info.LinkTarget != null)
        {
            info.Delete();
        }

        // Relative, so the cache can be moved or mounted elsewhere (e.g. into a container) and stay valid.
        var target = Path.GetRelativePath(Path.GetDirectoryName(linkPath)!, blobPath);
        try
        {
            File.CreateSymbolicLink(linkPath, target);
        }
        catch (IOException) when (IsUsableFile(linkPath))
        {
            // Another process linked the same file meanwhile.
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or PlatformNotSupportedException)
        {
            // No symlinks here (e.g. Windows without developer mode): a copy, moved into place so a reader never sees half of it.
            var temp = linkPath + "." + Guid.NewGuid().ToString("N")[..8] + ".tmp";
            File.Copy(blobPath, temp);
            File.Move(temp, linkPath, overwrite: true);
        }
    }

    /// <summary>The hub's etag without quotes or the weak prefix; it names the blob.</summary>
    public static string NormalizeEtag(string etag)
    {
        var value = etag.Trim();
        if (value.StartsWith("W/", StringComparison.Ordinal))
        {
            value = value[2..];
        }

        return value.Trim('"');
    }

    private string RefPath(string repository, string revision) =>
        Path.Combine(RepositoryFolder(repository), "refs", revision.Replace('/', Path.DirectorySeparatorChar));

    private static string FolderName(string repository) => "models--" + repository.Replace("/", "--", StringComparison.Ordinal);
}
