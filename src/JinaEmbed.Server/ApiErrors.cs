// Writes the contract's error body (api.md "Errors") from any layer of the pipeline.
using System.Text.Json;
using JinaEmbed.Server.Contracts;
using Microsoft.AspNetCore.Http;

namespace JinaEmbed.Server;

/// <summary>Helpers that turn failures into <c>{"error": {...}}</c> responses.</summary>
internal static class ApiErrors
{
    /// <summary>Where the error code of a written error body is kept for the request's metrics.</summary>
    public const string CodeItem = "jinaembed.error_code";

    public static Task WriteAsync(HttpContext context, ApiException error, int retryAfterSeconds)
    {
        context.Items[CodeItem] = error.Code ?? error.Type;
        var response = context.Response;
        response.StatusCode = error.Status;
        if (error.Status is 429 or 503)
        {
            response.Headers.RetryAfter = retryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        if (error.Status == 401)
        {
            response.Headers.WWWAuthenticate = "Bearer";
        }

        var body = new ErrorApiResponse(new ErrorApiBody(error.Message, error.Type, error.Param, error.Code), error.Message);
        response.ContentType = "application/json";
        return response.WriteAsync(JsonSerializer.Serialize(body, ServerJsonContext.Responses.ErrorApiResponse), context.RequestAborted);
    }

    /// <summary>The error for a status that routing produced without a body (404, 405, ...).</summary>
    public static ApiException ForStatus(int status, string path) => status switch
    {
        404 => new ApiException(404, $"no route for {path}", null, "not_found"),
        405 => new ApiException(405, $"method not allowed on {path}", null, "method_not_allowed"),
        415 => new ApiException(415, "unsupported media type", null, "unsupported_media_type"),
        _ => new ApiException(status, $"request failed with status {status}", null, null, status >= 500 ? "server_error" : "invalid_request_error"),
    };
}
