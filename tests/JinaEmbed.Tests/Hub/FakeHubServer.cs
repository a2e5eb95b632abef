// A Hugging Face hub on loopback (Kestrel on 127.0.0.1:0) serving one model folder the way the hub does: revision API,
// resolve URLs with ETag / X-Repo-Commit / X-Linked-* headers, LFS files redirected to a CDN route with Range support,
// plus switches to break a body mid-way, corrupt a byte, demand a token or hide the repository.
using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace JinaEmbed.Tests.Hub;

/// <summary>One request the fake hub saw.</summary>
internal sealed record HubRequest(string Method, string Path, string? Range, string? Authorization);

internal sealed class FakeHubServer : IAsyncDisposable
{
    /// <summary>Files at least this large are served as LFS files (redirect + sha256 etag), like tokenizer.json and weights on the hub.</summary>
    private const long LfsThreshold = 500_000;

    private readonly WebApplication _app;
    private readonly Dictionary<string, byte[]> _files;

    private FakeHubServer(WebApplication app, string repository, string commit, Dictionary<string, byte[]> files)
    {
        _app = app;
        Repository = repository;
        Commit = commit;
        _files = files;
    }

    public string Repository { get; }

    public string Commit { get; }

    public string Endpoint { get; private set; } = "";

    public ConcurrentQueue<HubRequest> Requests { get; } = new();

    /// <summary>When set, every route demands "Authorization: Bearer {RequiredToken}".</summary>
    public string? RequiredToken { get; set; }

    /// <summary>Break the body of this file after <see cref="FailAfterBytes"/> bytes, <see cref="FailuresLeft"/> times.</summary>
    public string? FailFile { get; set; }

    public long FailAfterBytes { get; set; }

    public int FailuresLeft { get; set; }

    /// <summary>Like today's hub: a resolve request for a small file first answers 307 with a relative Location.</summary>
    public bool RelativeRedirects { get; set; } = true;

    /// <summary>Serve this file with the byte at <see cref="CorruptOffset"/> flipped.</summary>
    public string? CorruptFile { get; set; }

    public long CorruptOffset { get; set; }

    /// <summary>Total body bytes sent for each file.</summary>
    public ConcurrentDictionary<string, long> BytesServed { get; } = new();

    /// <summary>Requests that fetch or describe a file (resolve or CDN), as opposed to the revision API.</summary>
    public IEnumerable<HubRequest> FileRequests => Requests.Where(r => !r.Path.StartsWith("/api/models/", StringComparison.Ordinal));

    public byte[] Content(string file) => _files[file];

    public bool IsLfs(string file) => _files[file].LongLength >= LfsThreshold;

    public string Etag(string file) => IsLfs(file) ? Sha256(_files[file]) : GitBlobSha1(_files[file]);

    /// <summary>Serves the files of <paramref name="modelDirectory"/> (except those excluded) plus a few the client must skip.</summary>
    public static Task<FakeHubServer> StartAsync(string modelDirectory, string repository = "test-org/tiny-jina-v3", params string[] exclude) =>
        StartAsync(modelDirectory, repository, exclude, replace: null);

    /// <summary>As above, with files added or replaced by <paramref name="replace"/> (repository path → content).</summary>
    public static async Task<FakeHubServer> StartAsync(string modelDirectory, string repository, string[] exclude, IReadOnlyDictionary<string, byte[]>? replace)
    {
        var files = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        foreach (var path in Directory.EnumerateFiles(modelDirectory, "*", SearchOption.AllDirectories))
        {
            var name = Path.GetRelativePath(modelDirectory, path).Replace(Path.DirectorySeparatorChar, '/');
            if (!exclude.Contains(name))
            {
                files[name] = await File.ReadAllBytesAsync(path);
            }
        }

        foreach (var (name, content) in replace ?? new Dictionary<string, byte[]>())
        {
            files[name] = content;
        }

        // Files a real model repo also holds and a model download must not fetch.
        files[".gitattributes"] = Encoding.UTF8.GetBytes("*.safetensors filter=lfs diff=lfs merge=lfs -text\n");
        files["onnx/model.onnx"] = Encoding.UTF8.GetBytes("not a model");
        files["custom_st.py"] = Encoding.UTF8.GetBytes("# code\n");

        var commit = Convert.ToHexStringLower(SHA1.HashData(Encoding.UTF8.GetBytes(repository + string.Join(",", files.Keys.Order()))));
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var server = new FakeHubServer(app, repository, commit, files);
        app.Run(server.HandleAsync);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        server.Endpoint = address.TrimEnd('/');
        return server;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        var path = request.Path.Value ?? "";
        Requests.Enqueue(new HubRequest(request.Method, path, request.Headers.Range.ToString() is { Length: > 0 } r ? r : null,
            request.Headers.Authorization.ToString() is { Length: > 0 } a ? a : null));
        var response = context.Response;

        if (path.StartsWith("/cdn/", StringComparison.Ordinal))
        {
            // The CDN is another host in real life: no token needed, content addressed by sha256.
            var file = _files.Keys.FirstOrDefault(f => IsLfs(f) && Sha256(_files[f]) == path["/cdn/".Length..]);
            if (file == null)
            {
                response.StatusCode = 404;
                return;
            }

            await ServeBytesAsync(context, file);
            return;
        }

        if (RequiredToken != null && request.Headers.Authorization.ToString() != $"Bearer {RequiredToken}")
        {
            response.StatusCode = 401;
            response.Headers["X-Error-Message"] = "Invalid credentials in Authorization header";
            await response.WriteAsJsonAsync(new { error = "Invalid credentials in Authorization header" });
            return;
        }

        var cachePrefix = $"/api/resolve-cache/models/{Repository}/";
        if (path.StartsWith(cachePrefix, StringComparison.Ordinal))
        {
            // The target of the relative redirect: /api/resolve-cache/models/{repo}/{commit}/{file}.
            var parts = path[cachePrefix.Length..].Split('/', 2);
            if (parts[0] != Commit || !_files.ContainsKey(Uri.UnescapeDataString(parts[1])))
            {
                await ErrorAsync(response, 404, "EntryNotFound", "Entry not found");
                return;
            }

            var cached = Uri.UnescapeDataString(parts[1]);
            response.Headers["X-Repo-Commit"] = Commit;
            response.Headers.ETag = $"\"{GitBlobSha1(_files[cached])}\"";
            await ServeBytesAsync(context, cached);
            return;
        }

        var apiPrefix = $"/api/models/{Repository}/revision/";
        var resolvePrefix = $"/{Repository}/resolve/";
        if (path.StartsWith("/api/models/", StringComparison.Ordinal) && !path.StartsWith(apiPrefix, StringComparison.Ordinal)
            || !path.StartsWith("/api/", StringComparison.Ordinal) && !path.StartsWith(resolvePrefix, StringComparison.Ordinal))
        {
            await ErrorAsync(response, 404, "RepoNotFound", "Repository not found");
            return;
        }

        if (path.StartsWith(apiPrefix, StringComparison.Ordinal))
        {
            if (!IsKnownRevision(Uri.UnescapeDataString(path[apiPrefix.Length..])))
            {
                await ErrorAsync(response, 404, "RevisionNotFound", "Invalid rev id");
                return;
            }

            await response.WriteAsJsonAsync(new
            {
                id = Repository,
                sha = Commit,
                siblings = _files.Keys.Order(StringComparer.Ordinal).Select(f => new { rfilename = f }).ToArray(),
            });
            return;
        }

        var rest = path[resolvePrefix.Length..];
        var slash = rest.IndexOf('/', StringComparison.Ordinal);
        var revision = Uri.UnescapeDataString(rest[..slash]);
        var name = Uri.UnescapeDataString(rest[(slash + 1)..]);
        if (!IsKnownRevision(revision))
        {
            await ErrorAsync(response, 404, "RevisionNotFound", "Invalid rev id");
            return;
        }

        if (!_files.ContainsKey(name))
        {
            await ErrorAsync(response, 404, "EntryNotFound", "Entry not found");
            return;
        }

        response.Headers["X-Repo-Commit"] = Commit;
        if (IsLfs(name))
        {
            // LFS: the hub answers with a redirect to the CDN, carrying the real file's sha256 and size.
            response.StatusCode = 302;
            response.Headers.Location = $"{Endpoint}/cdn/{Sha256(_files[name])}";
            response.Headers["X-Linked-Etag"] = $"\"{Sha256(_files[name])}\"";
            response.Headers["X-Linked-Size"] = _files[name].LongLength.ToString(System.Globalization.CultureInfo.InvariantCulture);
            response.Headers.ETag = $"\"{GitBlobSha1(Encoding.UTF8.GetBytes("version https://git-lfs.github.com/spec/v1\n"))}\"";
            return;
        }

        if (RelativeRedirects)
        {
            response.StatusCode = 307;
            response.Headers.Location = $"/api/resolve-cache/models/{Repository}/{Commit}/{Uri.EscapeDataString(name)}";
            return;
        }

        response.Headers.ETag = $"\"{GitBlobSha1(_files[name])}\"";
        await ServeBytesAsync(context, name);
    }

    private bool IsKnownRevision(string revision) => revision is "main" or "v1.0" || revision == Commit;

    private async Task ServeBytesAsync(HttpContext context, string file)
    {
        var content = _files[file];
        if (CorruptFile == file)
        {
            content = (byte[])content.Clone();
            content[CorruptOffset] ^= 0x5A;
        }

        var response = context.Response;
        long start = 0;
        var range = context.Request.Headers.Range.ToString();
        if (range.StartsWith("bytes=", StringComparison.Ordinal) && range.EndsWith('-'))
        {
            start = long.Parse(range["bytes=".Length..^1], System.Globalization.CultureInfo.InvariantCulture);
            if (start >= content.LongLength)
            {
                response.StatusCode = 416;
                response.Headers.ContentRange = $"bytes */{content.LongLength}";
                return;
            }

            response.StatusCode = 206;
            response.Headers.ContentRange = $"bytes {start}-{content.LongLength - 1}/{content.LongLength}";
        }

        response.Headers.AcceptRanges = "bytes";
        response.ContentLength = content.LongLength - start;
        if (HttpMethods.IsHead(context.Request.Method))
        {
            return;
        }

        var body = content.AsMemory((int)start);
        if (FailFile == file && FailuresLeft > 0 && body.Length > FailAfterBytes)
        {
            FailuresLeft--;
            await response.Body.WriteAsync(body[..(int)FailAfterBytes]);
            await response.Body.FlushAsync();
            BytesServed.AddOrUpdate(file, FailAfterBytes, (_, v) => v + FailAfterBytes);
            context.Abort(); // the connection drops mid-body
            return;
        }

        await response.Body.WriteAsync(body);
        BytesServed.AddOrUpdate(file, body.Length, (_, v) => v + body.Length);
    }

    private static async Task ErrorAsync(HttpResponse response, int status, string code, string message)
    {
        response.StatusCode = status;
        response.Headers["X-Error-Code"] = code;
        response.Headers["X-Error-Message"] = message;
        await response.WriteAsync(JsonSerializer.Serialize(new { error = message }));
    }

    public static string Sha256(byte[] content) => Convert.ToHexStringLower(SHA256.HashData(content));

    public static string GitBlobSha1(byte[] content)
    {
        var header = Encoding.ASCII.GetBytes($"blob {content.Length}\0");
        return Convert.ToHexStringLower(SHA1.HashData([.. header, .. content]));
    }
}
