// Optional bearer-key check (api.md "Other endpoints", Authentication): every route but /health, /ready, /metrics and
// those marked AllowAnonymous (the playground and the API documentation, ApiDocumentation.cs).
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;

namespace JinaEmbed.Server;

/// <summary>Middleware that answers 401 unless <c>Authorization: Bearer &lt;key&gt;</c> matches, compared in constant time.</summary>
internal sealed class ApiKeyFilter
{
    private readonly RequestDelegate next;
    private readonly byte[]? keyHash;

    public ApiKeyFilter(RequestDelegate next, ServerRuntime runtime)
    {
        this.next = next;
        keyHash = string.IsNullOrEmpty(runtime.Options.ApiKey) ? null : SHA256.HashData(Encoding.UTF8.GetBytes(runtime.Options.ApiKey));
    }

    public Task InvokeAsync(HttpContext context)
    {
        if (keyHash == null || IsOpen(context.Request.Path) || context.GetEndpoint()?.Metadata.GetMetadata<IAllowAnonymous>() != null)
        {
            return next(context);
        }

        var header = context.Request.Headers.Authorization.ToString();
        const string scheme = "Bearer ";
        if (!header.StartsWith(scheme, StringComparison.OrdinalIgnoreCase))
        {
            throw new ApiException(401, "missing API key: send Authorization: Bearer <key>", null, "invalid_api_key", "authentication_error");
        }

        // Hashing both sides first makes the comparison constant-time in the key's length as well.
        var given = SHA256.HashData(Encoding.UTF8.GetBytes(header[scheme.Length..].Trim()));
        if (!CryptographicOperations.FixedTimeEquals(given, keyHash))
        {
            throw new ApiException(401, "invalid API key", null, "invalid_api_key", "authentication_error");
        }

        return next(context);
    }

    private static bool IsOpen(PathString path) =>
        path.Equals("/health", StringComparison.OrdinalIgnoreCase)
        || path.Equals("/ready", StringComparison.OrdinalIgnoreCase)
        || path.Equals("/metrics", StringComparison.OrdinalIgnoreCase);
}
