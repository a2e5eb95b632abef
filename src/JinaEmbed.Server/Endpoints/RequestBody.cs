// Reads a request body under the configured size limit (api.md: body larger than the limit is 413).
using Microsoft.AspNetCore.Http;

namespace JinaEmbed.Server.Endpoints;

/// <summary>Buffers bodies, refusing them as soon as they pass the limit.</summary>
internal static class RequestBody
{
    public static async Task<byte[]> ReadAsync(HttpRequest request, long limit, CancellationToken cancellationToken)
    {
        if (request.ContentLength > limit)
        {
            throw TooLarge(request.ContentLength.Value, limit);
        }

        using var buffer = new MemoryStream(request.ContentLength is { } length ? (int)length : 4096);
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > limit)
            {
                throw TooLarge(buffer.Length + read, limit);
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }

    private static ApiException TooLarge(long size, long limit) =>
        ApiException.TooLarge(
            $"the body has at least {size} bytes; the limit is {limit} (send less per request, or raise it with {SettingNames.Describe(nameof(ServerOptions.MaxRequestBodyBytes))})",
            null,
            "request_too_large");
}
