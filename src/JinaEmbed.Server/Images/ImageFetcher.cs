// Fetches http(s) image URLs under the server's policy (spec jina-embeddings-v4.md §7.7, api.md v4 errors): off unless
// AllowImageUrls; the host, and every redirect's host, must be on the allow-list; at most ImageUrlMaxRedirects
// redirects (followed here, never by the handler); the body stops at ImageUrlMaxBytes; the whole fetch has one timeout.
using System.Net;
using System.Net.Http.Headers;

namespace JinaEmbed.Server;

/// <summary>The server's image downloader; one per server, thread-safe.</summary>
internal sealed class ImageFetcher : IDisposable
{
    private readonly HttpClient http;
    private readonly ServerOptions options;
    private readonly ImageHostList hosts;

    /// <param name="options">The policy (AllowImageUrls, ImageUrlHosts, ImageUrlMaxBytes, ImageUrlTimeoutSeconds, ImageUrlMaxRedirects).</param>
    /// <param name="handler">Tests may pass their own; it must not follow redirects.</param>
    public ImageFetcher(ServerOptions options, HttpMessageHandler? handler = null)
    {
        this.options = options;
        hosts = ImageHostList.Parse(options.ImageUrlHosts);
        handler ??= new SocketsHttpHandler
        {
            // Redirects are followed by FetchAsync so that each target is checked against the allow-list.
            AllowAutoRedirect = false,
            AutomaticDecompression = DecompressionMethods.None,
            UseCookies = false,
            ConnectTimeout = Timeout,
            PooledConnectionLifetime = TimeSpan.FromMinutes(2),
        };
        http = new HttpClient(handler) { Timeout = System.Threading.Timeout.InfiniteTimeSpan };
        http.DefaultRequestHeaders.UserAgent.Add(new ProductInfoHeaderValue("jinaembed", typeof(ImageFetcher).Assembly.GetName().Version?.ToString() ?? "0"));
        http.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("image/*"));
        http.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("*/*", 0.5));
    }

    /// <summary>Whether URL fetching is on.</summary>
    public bool Enabled => options.AllowImageUrls;

    /// <summary>The allow-list as configured.</summary>
    public IReadOnlyList<string> AllowedHosts => hosts.Entries;

    private TimeSpan Timeout => TimeSpan.FromSeconds(options.ImageUrlTimeoutSeconds);

    /// <summary>Refuses a URL the policy forbids before anything is sent: fetching off, another scheme, a host off the list.</summary>
    /// <exception cref="ApiException">400 <c>image_url_disabled</c> or <c>image_url_not_allowed</c>.</exception>
    public void Check(Uri url, string where)
    {
        if (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps)
        {
            throw NotAllowed($"{where} is a '{url.Scheme}:' URL; images are taken as base64, a data: URI or (when the server fetches URLs) an http or https URL");
        }

        if (!Enabled)
        {
            throw ApiException.BadRequest(
                $"{where} is an image URL, but this server does not fetch image URLs; send the image as base64 or a data: URI, or start the server with {SettingNames.Describe(nameof(ServerOptions.AllowImageUrls))} and the allowed hosts in {SettingNames.Describe(nameof(ServerOptions.ImageUrlHosts))}",
                "input",
                "image_url_disabled");
        }

        CheckHost(url, where, redirected: false);
    }

    /// <summary>Downloads the image of an allowed URL, following and re-checking redirects.</summary>
    /// <exception cref="ApiException">
    /// 400 <c>image_url_not_allowed</c> (a redirect leaves the allow-list), 400 <c>image_fetch_failed</c> (connection,
    /// DNS, non-2xx status, too many redirects, timeout), 413 <c>image_too_large</c> (body above the byte limit).
    /// </exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled (the client left).</exception>
    public async Task<byte[]> FetchAsync(Uri url, string where, CancellationToken cancellationToken)
    {
        Check(url, where);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(Timeout);
        var current = url;
        try
        {
            for (int redirects = 0; ; redirects++)
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, current);
                using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, deadline.Token).ConfigureAwait(false);
                int status = (int)response.StatusCode;
                if (status is 301 or 302 or 303 or 307 or 308)
                {
                    var location = response.Headers.Location
                        ?? throw FetchFailed($"{where}: {Show(current)} answered HTTP {status} without a Location header");
                    if (redirects >= options.ImageUrlMaxRedirects)
                    {
                        throw FetchFailed($"{where}: {Show(url)} redirects more than {options.ImageUrlMaxRedirects} times (the limit is {SettingNames.Describe(nameof(ServerOptions.ImageUrlMaxRedirects))})");
                    }

                    current = location.IsAbsoluteUri ? location : new Uri(current, location);
                    if (current.Scheme != Uri.UriSchemeHttp && current.Scheme != Uri.UriSchemeHttps)
                    {
                        throw NotAllowed($"{where}: {Show(url)} redirects to a '{current.Scheme}:' URL; only http and https are fetched");
                    }

                    CheckHost(current, where, redirected: true);
                    continue;
                }

                if (status is < 200 or > 299)
                {
                    throw FetchFailed($"{where}: {Show(current)} answered HTTP {status} {response.ReasonPhrase}".TrimEnd());
                }

                return await ReadBodyAsync(response.Content, current, where, deadline.Token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw FetchFailed($"{where}: fetching {Show(url)} took longer than {options.ImageUrlTimeoutSeconds:0.###} s (the limit is {SettingNames.Describe(nameof(ServerOptions.ImageUrlTimeoutSeconds))})");
        }
        catch (HttpRequestException error)
        {
            throw FetchFailed($"{where}: fetching {Show(current)} failed: {error.Message}");
        }
        catch (IOException error)
        {
            throw FetchFailed($"{where}: reading {Show(current)} failed: {error.Message}");
        }
    }

    public void Dispose() => http.Dispose();

    private async Task<byte[]> ReadBodyAsync(HttpContent content, Uri from, string where, CancellationToken cancellationToken)
    {
        long limit = options.ImageUrlMaxBytes;
        if (content.Headers.ContentLength is { } announced && announced > limit)
        {
            throw TooLarge(where, from, $"announces {announced} bytes");
        }

        await using var stream = await content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        int capacity = (int)Math.Min(content.Headers.ContentLength ?? 64 * 1024, limit);
        using var buffer = new MemoryStream(capacity);
        var chunk = new byte[64 * 1024];
        int read;
        while ((read = await stream.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
        {
            if (buffer.Length + read > limit)
            {
                throw TooLarge(where, from, $"sent more than {limit} bytes");
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }

    private void CheckHost(Uri url, string where, bool redirected)
    {
        if (hosts.Allows(url.Host))
        {
            return;
        }

        var how = redirected ? $"redirects to {Show(url)}, whose host '{url.Host}'" : $"names the host '{url.Host}', which";
        var list = hosts.IsEmpty ? "the list is empty" : "allowed: " + string.Join(", ", hosts.Entries);
        throw NotAllowed($"{where} {how} is not on the server's image host allow-list ({list}; set by {SettingNames.Describe(nameof(ServerOptions.ImageUrlHosts))})");
    }

    private ApiException TooLarge(string where, Uri from, string what) => ApiException.TooLarge(
        $"{where}: {Show(from)} {what}; the limit for image downloads is {options.ImageUrlMaxBytes} bytes (raise it with {SettingNames.Describe(nameof(ServerOptions.ImageUrlMaxBytes))})",
        "input",
        "image_too_large");

    private static ApiException NotAllowed(string message) => ApiException.BadRequest(message, "input", "image_url_not_allowed");

    private static ApiException FetchFailed(string message) => ApiException.BadRequest(message, "input", "image_fetch_failed");

    /// <summary>The URL as shown in messages: without user info or query, at most 200 characters.</summary>
    private static string Show(Uri url)
    {
        var text = url.GetComponents(UriComponents.SchemeAndServer | UriComponents.Path, UriFormat.UriEscaped);
        return text.Length <= 200 ? text : text[..200] + "…";
    }
}
