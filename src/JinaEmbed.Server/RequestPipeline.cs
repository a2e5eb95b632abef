// Outermost middleware: request ids, structured logs, per-route metrics and the error body for every failure.
using System.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;

namespace JinaEmbed.Server;

/// <summary>Wraps every request; nothing below it writes an error body by hand.</summary>
internal sealed class RequestPipeline
{
    private const string RequestIdHeader = "x-request-id";
    private readonly RequestDelegate next;
    private readonly ServerRuntime runtime;

    public RequestPipeline(RequestDelegate next, ServerRuntime runtime)
    {
        this.next = next;
        this.runtime = runtime;
    }

    public async Task InvokeAsync(HttpContext context)
    {
        long started = Stopwatch.GetTimestamp();
        string requestId = context.Request.Headers[RequestIdHeader] is { Count: > 0 } given && IsSafeId(given.ToString())
            ? given.ToString()
            : Guid.NewGuid().ToString("N");
        context.TraceIdentifier = requestId;
        context.Response.Headers[RequestIdHeader] = requestId;
        using var scope = runtime.Logger.BeginScope("RequestId:{RequestId}", requestId);
        try
        {
            await next(context);
            if (context.Response.StatusCode >= 400 && !context.Response.HasStarted)
            {
                await ApiErrors.WriteAsync(context, ApiErrors.ForStatus(context.Response.StatusCode, context.Request.Path), runtime.Options.RetryAfterSeconds);
            }
        }
        catch (ApiException error) when (!context.Response.HasStarted)
        {
            await ApiErrors.WriteAsync(context, error, runtime.Options.RetryAfterSeconds);
        }
        catch (BadHttpRequestException error) when (!context.Response.HasStarted)
        {
            var status = error.StatusCode == StatusCodes.Status413PayloadTooLarge ? 413 : 400;
            var code = status == 413 ? "request_too_large" : "bad_request";
            await ApiErrors.WriteAsync(context, new ApiException(status, error.Message, null, code), runtime.Options.RetryAfterSeconds);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The client went away; its queued sequences were dropped. 499 as nginx logs it.
            context.Response.StatusCode = 499;
        }
        catch (Exception error) when (!context.Response.HasStarted)
        {
            runtime.Logger.LogError(error, "Unhandled error on {Path}", context.Request.Path.Value);
            await ApiErrors.WriteAsync(context, new ApiException(500, "internal error", null, "internal_error", "server_error"), runtime.Options.RetryAfterSeconds);
        }
        finally
        {
            var elapsed = Stopwatch.GetElapsedTime(started);
            int status = context.Response.StatusCode;
            var route = (context.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText
                ?? (status == StatusCodes.Status405MethodNotAllowed ? RouteLabels.Match(context) : null)
                ?? "unmatched";
            runtime.Metrics.RecordRequest(route, status, elapsed);
            if (context.Items[ApiErrors.CodeItem] is string code)
            {
                runtime.Metrics.RecordError(code);
            }

            runtime.Logger.LogInformation(
                "{Method} {Path} -> {Status} in {ElapsedMs:0.###} ms",
                context.Request.Method,
                context.Request.Path.Value,
                status,
                elapsed.TotalMilliseconds);
        }
    }

    private static bool IsSafeId(string id) => id.Length is > 0 and <= 128 && id.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.');
}
