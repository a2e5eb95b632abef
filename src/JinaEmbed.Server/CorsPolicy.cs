// Cross-origin calls from browser apps (api.md "Client compatibility", CORS): off unless origins are configured;
// preflights are answered here, before routing and the API key, and credentials are never allowed.
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace JinaEmbed.Server;

/// <summary>Answers preflights and marks responses to allowed origins.</summary>
internal static class CorsPolicy
{
    /// <summary>The origin entry that allows every origin.</summary>
    public const string AnyOrigin = "*";

    // How long a browser may reuse a preflight answer; the allowed methods and headers never change at run time.
    private const int MaxAgeSeconds = 600;

    private const string AllowedMethods = "GET, POST, OPTIONS";

    private static readonly string[] AllowedHeaders = ["Authorization", "Content-Type"];

    // Readable by browser code: the request id for bug reports, the served model, the timings and Retry-After.
    private const string ExposedHeaders = "x-request-id, x-served-model, x-queue-time, x-inference-time, x-total-time, Retry-After";

    /// <summary>
    /// The configured origins as <c>scheme://host[:port]</c> (or <c>*</c>); entries may hold several separated by commas.
    /// </summary>
    /// <exception cref="ArgumentException">An entry that is not an http(s) origin.</exception>
    public static IReadOnlyList<string> ParseOrigins(IEnumerable<string> entries)
    {
        var origins = new List<string>();
        foreach (var entry in entries.SelectMany(e => e.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)))
        {
            if (entry == AnyOrigin)
            {
                origins.Add(AnyOrigin);
                continue;
            }

            if (!Uri.TryCreate(entry, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https")
                || uri.AbsolutePath != "/" || uri.Query.Length > 0 || uri.Fragment.Length > 0 || uri.UserInfo.Length > 0)
            {
                throw new ArgumentException(
                    $"CorsOrigins: '{entry}' is not an origin; write scheme://host[:port], e.g. https://app.example.com, or * for any ({SettingNames.Describe(nameof(ServerOptions.CorsOrigins))}).",
                    nameof(ServerOptions.CorsOrigins));
            }

            origins.Add(uri.GetLeftPart(UriPartial.Authority));
        }

        return origins;
    }

    /// <summary>Adds the CORS step to the pipeline when origins are configured; without them nothing changes.</summary>
    public static void Use(IApplicationBuilder app, ServerOptions options)
    {
        var origins = ParseOrigins(options.CorsOrigins);
        if (origins.Count == 0)
        {
            return;
        }

        bool any = origins.Contains(AnyOrigin);
        app.Use(next => context => Handle(context, next, origins, any));
    }

    private static Task Handle(HttpContext context, RequestDelegate next, IReadOnlyList<string> origins, bool any)
    {
        var request = context.Request;
        string origin = request.Headers.Origin.ToString();
        if (origin.Length == 0 || (!any && !origins.Contains(origin, StringComparer.OrdinalIgnoreCase)))
        {
            return next(context); // not a cross-origin call, or a disallowed origin: no CORS headers at all
        }

        var headers = context.Response.Headers;
        headers.AccessControlAllowOrigin = any ? AnyOrigin : origin;
        if (!any)
        {
            headers.Append("Vary", "Origin");
        }

        if (HttpMethods.IsOptions(request.Method) && request.Headers.ContainsKey("Access-Control-Request-Method"))
        {
            headers.AccessControlAllowMethods = AllowedMethods;
            headers.AccessControlAllowHeaders = AllowHeaders(request.Headers.AccessControlRequestHeaders.ToString());
            headers.AccessControlMaxAge = MaxAgeSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            context.Response.StatusCode = StatusCodes.Status204NoContent;
            return Task.CompletedTask;
        }

        headers.AccessControlExposeHeaders = ExposedHeaders;
        return next(context);
    }

    /// <summary>
    /// Authorization and Content-Type, plus the other headers the preflight asks for: SDKs add their own (the OpenAI
    /// SDKs send x-stainless-*), and refusing them would refuse the whole call for a header the server ignores.
    /// </summary>
    private static string AllowHeaders(string requested)
    {
        var names = new List<string>(AllowedHeaders);
        foreach (var name in requested.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_') && !names.Contains(name, StringComparer.OrdinalIgnoreCase))
            {
                names.Add(name);
            }
        }

        return string.Join(", ", names);
    }
}
