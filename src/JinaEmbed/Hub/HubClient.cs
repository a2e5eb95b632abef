// A Hugging Face hub client compatible with huggingface_hub: revision API, HEAD metadata on resolve URLs,
// resumable verified downloads into the shared cache layout (HubCache). The transfer itself is in HubClient.Download.cs.
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;

namespace JinaEmbed.Hub;

/// <summary>Downloads model snapshots from a Hugging Face hub into the shared cache. Thread-safe.</summary>
public sealed partial class HubClient : IDisposable
{
    private const int MaxRedirects = 5;
    private readonly HttpClient _http;
    private readonly Uri _endpoint;

    /// <summary>Creates a client; <paramref name="options"/> defaults to <see cref="HubOptions.FromEnvironment()"/>.</summary>
    public HubClient(HubOptions? options = null)
    {
        Options = options ?? HubOptions.FromEnvironment();
        Cache = new HubCache(Options.CacheDirectory);
        _endpoint = new Uri(Options.Endpoint.TrimEnd('/') + "/", UriKind.Absolute);

        // Redirects are followed by hand: HEAD must see the redirect's own headers (X-Linked-Etag), and the
        // token must not travel to another host (the CDN).
        var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            AutomaticDecompression = DecompressionMethods.None,
            ConnectTimeout = Options.Timeout,
        };
        _http = new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
        _http.DefaultRequestHeaders.UserAgent.Add(new ProductInfoHeaderValue("jinaembed", typeof(HubClient).Assembly.GetName().Version?.ToString(3) ?? "0"));
    }

    /// <summary>The settings in use.</summary>
    public HubOptions Options { get; }

    /// <summary>The cache this client fills.</summary>
    public HubCache Cache { get; }

    /// <summary>
    /// Returns the snapshot directory of <paramref name="id"/>, downloading what the cache lacks.
    /// Files already in the snapshot cause no file request; offline mode uses the cache only.
    /// </summary>
    /// <exception cref="HubException">Unauthorized, not found, not in cache (offline), network or integrity failure.</exception>
    public async Task<string> DownloadSnapshotAsync(HubModelId id, IProgress<HubProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(id);
        if (Options.Offline)
        {
            return Cache.TryGetSnapshot(id, out var cached)
                ? cached
                : throw new HubException(HubErrorKind.NotInCache,
                    $"Offline mode is on (HF_HUB_OFFLINE) and {id} is not in the cache at {Cache.CacheDirectory}. " +
                    $"Next: run `jinaembed download {id}` with network access (unset HF_HUB_OFFLINE), point HF_HUB_CACHE at a cache that holds it, " +
                    "or pass a local model directory with --model.");
        }

        HubRevision revision;
        try
        {
            revision = await GetRevisionAsync(id, cancellationToken).ConfigureAwait(false);
        }
        catch (HubException e) when (e.Kind == HubErrorKind.Network && Cache.TryGetSnapshot(id, out var cached))
        {
            // Like huggingface_hub: when the hub cannot be reached, a snapshot seen before is good enough.
            return cached;
        }

        var files = revision.Files.Where(f => HubPathPattern.MatchesAny(f, Options.AllowPatterns)).Order(StringComparer.Ordinal).ToList();
        if (files.Count == 0)
        {
            throw new HubException(HubErrorKind.FileNotFound,
                $"{id} (commit {revision.Commit}) has no files matching {string.Join(", ", Options.AllowPatterns)}; is it a model repository with safetensors weights?");
        }

        var plan = await PlanAsync(id.Repository, revision.Commit, files, cancellationToken).ConfigureAwait(false);
        var transfer = new TransferProgress(progress, BytesToTransfer(id.Repository, plan));

        // A sharded checkpoint (jina-embeddings-v4): the index comes first, because the shards it lists are the ones the
        // loader opens; any of them that no pattern matched joins the plan (only when weights are wanted at all).
        var wantsWeights = files.Any(f => f.EndsWith(".safetensors", StringComparison.Ordinal));
        if (wantsWeights && files.Contains(HubCache.ShardIndexFile))
        {
            foreach (var (file, metadata) in plan.Where(p => p.File == HubCache.ShardIndexFile).ToList())
            {
                await DownloadBlobAsync(id.Repository, file, metadata, transfer, cancellationToken).ConfigureAwait(false);
                Cache.LinkIntoSnapshot(id.Repository, revision.Commit, file, metadata.Etag);
                plan.RemoveAll(p => p.File == file);
            }

            var indexPath = Cache.SnapshotFilePath(id.Repository, revision.Commit, HubCache.ShardIndexFile);
            var extra = HubCache.ReadShardNames(indexPath).Where(s => !files.Contains(s)).ToList();
            if (extra.FirstOrDefault(s => !revision.Files.Contains(s)) is { } shard)
            {
                throw new HubException(HubErrorKind.FileNotFound,
                    $"{HubCache.ShardIndexFile} of {id} (commit {revision.Commit}) lists the shard {shard}, which the repository does not hold. " +
                    "Next: report it to the model's authors, or pass a local model directory with --model.");
            }

            var extraPlan = await PlanAsync(id.Repository, revision.Commit, extra, cancellationToken).ConfigureAwait(false);
            transfer.AddToTotal(BytesToTransfer(id.Repository, extraPlan));
            plan.AddRange(extraPlan);
        }

        foreach (var (file, metadata) in plan)
        {
            await DownloadBlobAsync(id.Repository, file, metadata, transfer, cancellationToken).ConfigureAwait(false);
            Cache.LinkIntoSnapshot(id.Repository, revision.Commit, file, metadata.Etag);
        }

        Cache.WriteRef(id.Repository, id.Revision, revision.Commit);
        return Cache.SnapshotDirectory(id.Repository, revision.Commit);
    }

    // HEAD of every file the snapshot still lacks (files already there cause no request).
    private async Task<List<(string File, HubFileMetadata Metadata)>> PlanAsync(string repository, string commit, IEnumerable<string> files, CancellationToken cancellationToken)
    {
        var plan = new List<(string File, HubFileMetadata Metadata)>();
        foreach (var file in files.Where(f => !HubCache.IsUsableFile(Cache.SnapshotFilePath(repository, commit, f))))
        {
            plan.Add((file, await GetFileMetadataAsync(repository, commit, file, cancellationToken).ConfigureAwait(false)));
        }

        return plan;
    }

    private long BytesToTransfer(string repository, IEnumerable<(string File, HubFileMetadata Metadata)> plan) =>
        plan.Sum(p => Cache.IsBlobPresent(repository, p.Metadata.Etag) ? 0 : p.Metadata.Size ?? 0);

    /// <summary>Asks the hub which commit a revision is and which files it holds (the revision API).</summary>
    /// <exception cref="HubException">The repository or revision is unknown or not accessible, or the hub is unreachable.</exception>
    public async Task<HubRevision> GetRevisionAsync(HubModelId id, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(id);
        var url = new Uri(_endpoint, $"api/models/{id.Repository}/revision/{Uri.EscapeDataString(id.Revision)}");
        using var response = await SendAsync(HttpMethod.Get, url, id.ToString(), followRedirects: true, rangeStart: 0, cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            throw ErrorFor(response, id.Repository, id.Revision, file: null);
        }

        try
        {
            using var timeout = LinkedTimeout(cancellationToken);
            await using var body = await response.Content.ReadAsStreamAsync(timeout.Token).ConfigureAwait(false);
            using var json = await JsonDocument.ParseAsync(body, cancellationToken: timeout.Token).ConfigureAwait(false);
            var root = json.RootElement;
            var commit = root.TryGetProperty("sha", out var sha) ? sha.GetString() : null;
            if (commit == null || !HubModelId.IsCommitHash(commit))
            {
                throw new HubException(HubErrorKind.Protocol, $"The hub's revision answer for {id} has no commit sha ({url}).");
            }

            var files = new List<string>();
            if (root.TryGetProperty("siblings", out var siblings) && siblings.ValueKind == JsonValueKind.Array)
            {
                foreach (var sibling in siblings.EnumerateArray())
                {
                    if (sibling.TryGetProperty("rfilename", out var name) && name.GetString() is { Length: > 0 } path && IsSafeRepositoryPath(path))
                    {
                        files.Add(path);
                    }
                }
            }

            return new HubRevision(commit, files);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            throw new HubException(HubErrorKind.Protocol, $"The hub's revision answer for {id} is not the expected JSON ({url}): {e.Message}", e);
        }
        catch (Exception e) when (IsTransient(e, cancellationToken))
        {
            throw NetworkError(id.ToString(), e);
        }
    }

    /// <summary>HEAD on the file's resolve URL: commit, etag, size and download location (following only relative redirects).</summary>
    /// <exception cref="HubException">The file is missing or not accessible, the hub is unreachable, or it sent no etag.</exception>
    public async Task<HubFileMetadata> GetFileMetadataAsync(string repository, string revision, string file, CancellationToken cancellationToken = default)
    {
        var url = ResolveUrl(repository, revision, file);
        var what = $"{repository}@{revision}";
        for (var hop = 0; ; hop++)
        {
            using var response = await SendAsync(HttpMethod.Head, url, what, followRedirects: false, rangeStart: 0, cancellationToken).ConfigureAwait(false);
            var status = (int)response.StatusCode;
            var location = response.Headers.Location;
            var redirect = status is >= 300 and < 400 && location != null;
            if (redirect && !location!.IsAbsoluteUri && hop < MaxRedirects)
            {
                // A relative redirect stays on the hub (a renamed repository, the resolve cache): follow it.
                url = new Uri(url, location);
                continue;
            }

            if (!redirect && !response.IsSuccessStatusCode)
            {
                throw ErrorFor(response, repository, revision, file);
            }

            var etag = Header(response, "X-Linked-Etag") ?? response.Headers.ETag?.Tag ?? Header(response, "ETag");
            if (string.IsNullOrEmpty(etag))
            {
                throw new HubException(HubErrorKind.Protocol, $"The hub sent no ETag for {file} of {what} ({url}); cannot verify or cache it.");
            }

            long? size = long.TryParse(Header(response, "X-Linked-Size"), out var linked) ? linked
                : redirect ? null : response.Content.Headers.ContentLength;
            var commit = Header(response, "X-Repo-Commit");
            return new HubFileMetadata(commit, HubCache.NormalizeEtag(etag), size, redirect ? new Uri(url, location!) : url);
        }
    }

    /// <inheritdoc />
    public void Dispose() => _http.Dispose();

    private Uri ResolveUrl(string repository, string revision, string file) =>
        new(_endpoint, $"{repository}/resolve/{Uri.EscapeDataString(revision)}/{string.Join('/', file.Split('/').Select(Uri.EscapeDataString))}");

    // Sends one request; the token goes only to the hub's own host. Network failures become HubException(Network).
    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, Uri url, string what, bool followRedirects, long rangeStart, CancellationToken cancellationToken)
    {
        for (var hop = 0; ; hop++)
        {
            using var request = new HttpRequestMessage(method, url);
            request.Headers.AcceptEncoding.Add(new StringWithQualityHeaderValue("identity"));
            if (Options.Token != null && url.Host == _endpoint.Host && url.Port == _endpoint.Port)
            {
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Options.Token);
            }

            if (rangeStart > 0)
            {
                request.Headers.Range = new RangeHeaderValue(rangeStart, null);
            }

            HttpResponseMessage response;
            try
            {
                using var timeout = LinkedTimeout(cancellationToken);
                response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (IsTransient(e, cancellationToken))
            {
                throw NetworkError(what, e);
            }

            var status = (int)response.StatusCode;
            if (followRedirects && status is >= 300 and < 400 && response.Headers.Location is { } location && hop < MaxRedirects)
            {
                url = new Uri(url, location);
                response.Dispose();
                continue;
            }

            return response;
        }
    }

    private CancellationTokenSource LinkedTimeout(CancellationToken cancellationToken)
    {
        var source = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        source.CancelAfter(Options.Timeout);
        return source;
    }

    // A failure worth a retry or a cache fallback: connection errors, broken bodies and timeouts, but not the caller's cancellation.
    private static bool IsTransient(Exception e, CancellationToken cancellationToken) =>
        e is HttpRequestException or IOException || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested);

    private HubException NetworkError(string what, Exception e) =>
        new(HubErrorKind.Network,
            $"Cannot reach the hub at {Options.Endpoint} for {what}: {e.Message}. " +
            $"Next: check the network or HF_ENDPOINT and retry (downloads resume), or use a cached copy with HF_HUB_OFFLINE=1 (cache: {Cache.CacheDirectory}), " +
            "or pass a local model directory with --model.", e);

    // Maps a hub error answer to a message with the next step; X-Error-Code tells a missing repo from a missing revision.
    private HubException ErrorFor(HttpResponseMessage response, string repository, string revision, string? file)
    {
        var what = revision == HubModelId.DefaultRevision ? repository : $"{repository}@{revision}";
        var status = (int)response.StatusCode;
        var code = Header(response, "X-Error-Code");
        var detail = Header(response, "X-Error-Message");
        var hubSays = detail != null ? $" The hub says: {detail}." : "";
        var page = $"{Options.Endpoint}/{repository}";
        if (code == "RepoNotFound" || (status == 404 && file == null && code is null or "RepoNotFound"))
        {
            var auth = Options.Token == null
                ? " If it is private, set HF_TOKEN (or log in with `huggingface-cli login`)."
                : " If it is private, check that your token (HF_TOKEN or the token file) has access.";
            return new HubException(HubErrorKind.RepositoryNotFound,
                $"Repository {repository} was not found on {Options.Endpoint} (HTTP {status}).{hubSays} Next: check the id (org/name, e.g. jinaai/jina-embeddings-v3).{auth} " +
                "A local model directory can be passed with --model.")
            { StatusCode = status };
        }

        if (code == "RevisionNotFound")
        {
            return new HubException(HubErrorKind.RevisionNotFound,
                $"Revision '{revision}' of {repository} was not found (HTTP {status}).{hubSays} Next: use a branch, tag or commit listed at {page}, or drop @revision for main.")
            { StatusCode = status };
        }

        if (status is 401 or 403 || code == "GatedRepo")
        {
            var next = Options.Token == null
                ? "Next: set HF_TOKEN=hf_... (or run `huggingface-cli login`, which writes $HF_HOME/token)"
                : "Next: the token sent (HF_TOKEN or the token file) was refused; create a read token at " + Options.Endpoint + "/settings/tokens and set HF_TOKEN";
            return new HubException(HubErrorKind.Unauthorized,
                $"Access to {what} was denied (HTTP {status}): it is private or gated, or the token is wrong.{hubSays} {next}; for a gated model, accept its terms at {page}.")
            { StatusCode = status };
        }

        if (status == 404)
        {
            return new HubException(HubErrorKind.FileNotFound,
                $"{file ?? what} was not found in {what} (HTTP 404).{hubSays} Next: check the revision at {page}, or pass a local model directory with --model.")
            { StatusCode = status };
        }

        return new HubException(status is 429 or >= 500 ? HubErrorKind.Network : HubErrorKind.Protocol,
            $"The hub answered HTTP {status} for {file ?? what} of {what}.{hubSays} Next: retry later (downloads resume where they stopped), or set HF_HUB_OFFLINE=1 to use the cache.")
        { StatusCode = status };
    }

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) || response.Content.Headers.TryGetValues(name, out values)
            ? values.FirstOrDefault()
            : null;

    // Sibling paths become file paths in the snapshot: refuse absolute paths and "..".
    private static bool IsSafeRepositoryPath(string path) =>
        !path.StartsWith('/') && !path.Contains('\\', StringComparison.Ordinal) && path.Split('/').All(s => s.Length > 0 && s != "." && s != "..");
}
