// {"image": string} items → image bytes (spec jina-embeddings-v4.md §7.7): base64 or a data: URI are decoded by the
// library's ImageBase64; http(s) URLs go through the ImageFetcher's policy; any other scheme is refused. Decoding the
// image itself (format, size, pixels) stays with the library's Embedder.
using System.Text.RegularExpressions;
using JinaEmbed.Embedding;
using JinaEmbed.Images;

namespace JinaEmbed.Server;

/// <summary>Resolves the image items of a mapped request.</summary>
internal static partial class ImageSources
{
    /// <summary>Downloads of one request run at most this many at a time.</summary>
    private const int ParallelFetches = 4;

    /// <summary>
    /// The library request: text items as mapped, image items as bytes. Cheap refusals (bad base64, URL policy) come
    /// first, in item order, before any download starts.
    /// </summary>
    /// <exception cref="ApiException">The first bad image item: invalid_image, image_url_disabled, image_url_not_allowed, image_fetch_failed, image_too_large.</exception>
    public static async Task<EmbeddingRequest> BuildRequestAsync(MappedEmbeddingsRequest mapped, ImageFetcher fetcher, CancellationToken cancellationToken)
    {
        var items = new EmbeddingInput[mapped.Items.Count];
        for (int i = 0; i < items.Length; i++)
        {
            items[i] = mapped.Items[i]!; // image slots are filled below
        }

        var downloads = new List<(int Index, Uri Url)>();
        foreach (var image in mapped.Images)
        {
            string where = $"input[{image.Index}]";
            if (TryGetUrl(image.Source, where, out var url))
            {
                fetcher.Check(url, where);
                downloads.Add((image.Index, url));
            }
            else
            {
                items[image.Index] = EmbeddingInput.FromImage(DecodeInline(image.Source, where));
            }
        }

        if (downloads.Count > 0)
        {
            await FetchAllAsync(downloads, items, fetcher, cancellationToken).ConfigureAwait(false);
        }

        return new EmbeddingRequest(items, mapped.Options);
    }

    /// <summary>
    /// Whether the image string is a URL rather than base64: base64 has no ':' (its alphabet is A–Z a–z 0–9 + / =),
    /// so a leading <c>scheme:</c> other than <c>data:</c> can only be a URL.
    /// </summary>
    /// <exception cref="ApiException">400 <c>image_url_not_allowed</c> for a scheme-like prefix that is not a valid URL.</exception>
    public static bool TryGetUrl(string source, string where, out Uri url)
    {
        url = null!;
        var text = source.Trim();
        var scheme = SchemePrefix().Match(text);
        if (!scheme.Success || scheme.Groups[1].Value.Equals("data", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        if (!Uri.TryCreate(text, UriKind.Absolute, out var parsed))
        {
            throw ApiException.BadRequest($"{where} starts with '{scheme.Value}' but is not a valid URL (an image is base64, a data: URI or an http(s) URL)", "input", "image_url_not_allowed");
        }

        url = parsed;
        return true;
    }

    private static byte[] DecodeInline(string source, string where)
    {
        if (string.IsNullOrWhiteSpace(source))
        {
            throw InvalidImage($"{where} is an empty image string; send the image as base64 or a data:image/…;base64, URI");
        }

        try
        {
            return ImageBase64.Decode(source);
        }
        catch (ImageException error)
        {
            throw InvalidImage($"{where}: {error.Message}");
        }
    }

    private static async Task FetchAllAsync(List<(int Index, Uri Url)> downloads, EmbeddingInput[] items, ImageFetcher fetcher, CancellationToken cancellationToken)
    {
        // On the first failure the other downloads are cancelled; the error reported is that of the lowest item index.
        using var abandon = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var gate = new SemaphoreSlim(ParallelFetches);
        var failures = new ApiException?[downloads.Count];
        var tasks = downloads.Select(async (download, k) =>
        {
            try
            {
                await gate.WaitAsync(abandon.Token).ConfigureAwait(false);
                try
                {
                    var bytes = await fetcher.FetchAsync(download.Url, $"input[{download.Index}]", abandon.Token).ConfigureAwait(false);
                    items[download.Index] = EmbeddingInput.FromImage(bytes);
                }
                finally
                {
                    gate.Release();
                }
            }
            catch (ApiException error)
            {
                failures[k] = error;
                await abandon.CancelAsync().ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (abandon.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
            {
                // Abandoned because another download failed.
            }
        }).ToArray();
        await Task.WhenAll(tasks).ConfigureAwait(false);
        cancellationToken.ThrowIfCancellationRequested();
        if (failures.FirstOrDefault(f => f != null) is { } first)
        {
            throw first;
        }
    }

    private static ApiException InvalidImage(string message) => ApiException.BadRequest(message, "input", "invalid_image");

    [GeneratedRegex("^([A-Za-z][A-Za-z0-9+.-]*):")]
    private static partial Regex SchemePrefix();
}
