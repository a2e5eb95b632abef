// POST /v1/embeddings (alias /embeddings): both dialects on one route (api.md "POST /v1/embeddings";
// architecture.md §3 steps 1–3 and 10).
using System.Buffers;
using System.Globalization;
using JinaEmbed.Embedding;
using JinaEmbed.Embedding.Scheduling;
using JinaEmbed.Server.Contracts;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace JinaEmbed.Server.Endpoints;

/// <summary>The embeddings route.</summary>
internal static class EmbeddingsEndpoints
{
    /// <summary>Set when the request's <c>model</c> named another model: the name of the model that served it.</summary>
    public const string ServedModelHeader = "x-served-model";

    public static void Map(IEndpointRouteBuilder routes)
    {
        routes.MapPost("/v1/embeddings", HandleAsync).WithJsonBody<EmbeddingsApiRequest>()
            .Describe<EmbeddingsApiResponse>("CreateEmbeddings", "Embed texts, images or token ids", 400, 401, 404, 413, 429, 503);
        routes.MapPost("/embeddings", HandleAsync).WithJsonBody<EmbeddingsApiRequest>()
            .Describe<EmbeddingsApiResponse>("CreateEmbeddingsAlias", "Embed (alias of /v1/embeddings)", 400, 401, 404, 413, 429, 503);
    }

    private static async Task HandleAsync(HttpContext context, ServerRuntime runtime)
    {
        long started = System.Diagnostics.Stopwatch.GetTimestamp();
        var backend = runtime.RequireReady();
        var options = runtime.Options;
        var body = await RequestBody.ReadAsync(context.Request, options.MaxRequestBodyBytes, context.RequestAborted);
        var wire = RequestMapping.Parse(body, ServerJsonContext.Default.EmbeddingsApiRequest);
        var mapped = RequestMapping.Map(wire, backend, options, runtime.ModelNames);
        if (wire.Model is { } requested && !runtime.ModelNames.Contains(requested))
        {
            // Served by the loaded model all the same (clients hard-code names); the header and a log line say so.
            context.Response.Headers[ServedModelHeader] = runtime.ModelName;
            runtime.NoteOtherModelName(requested);
        }

        var request = mapped.Images.Count == 0
            ? mapped.TextRequest
            : await ImageSources.BuildRequestAsync(mapped, runtime.ImageFetcher, context.RequestAborted);

        EmbeddingResult result;
        try
        {
            result = await backend.EmbedAsync(request, context.RequestAborted);
        }
        catch (EmbeddingException error)
        {
            throw ToApiError(error);
        }

        runtime.Metrics.RecordQueueTime(result.QueueTime);
        var output = new ArrayBufferWriter<byte>(ResponseEncoding.EstimateSize(result));
        ResponseEncoding.WriteResponse(output, runtime.ModelName, result, mapped.Formats, mapped.FormatsAsObject, mapped.MultiVector);

        var headers = context.Response.Headers;
        headers["x-queue-time"] = Milliseconds(result.QueueTime);
        headers["x-inference-time"] = Milliseconds(result.InferenceTime);
        headers["x-total-time"] = Milliseconds(System.Diagnostics.Stopwatch.GetElapsedTime(started));
        context.Response.ContentType = "application/json";
        context.Response.ContentLength = output.WrittenCount;
        await context.Response.Body.WriteAsync(output.WrittenMemory, context.RequestAborted);
    }

    /// <summary>Library refusals → contract statuses.</summary>
    public static ApiException ToApiError(EmbeddingException error) => error.Kind switch
    {
        EmbeddingErrorKind.ContextLengthExceeded => new ApiException(
            400,
            $"{error.Problem} (send \"truncate\": true, or start the server with truncation on by default: {SettingNames.Describe(nameof(ServerOptions.DefaultTruncate))})",
            error.Param ?? "input",
            "context_length_exceeded"),
        EmbeddingErrorKind.TooLarge when error.Remedy?.Contains(nameof(SchedulerOptions.QueueCapacity), StringComparison.Ordinal) == true => new ApiException(
            413,
            $"{error.Problem} (send fewer items per request, or raise the limit with {SettingNames.Describe(nameof(ServerOptions.QueueCapacity))})",
            error.Param ?? "input",
            "request_too_large"),
        EmbeddingErrorKind.TooLarge when error.Remedy?.Contains(nameof(SchedulerOptions.MaxRequestTokens), StringComparison.Ordinal) == true => new ApiException(
            413,
            $"{error.Problem} (send fewer tokens per request, or raise the limit with {SettingNames.Describe(nameof(ServerOptions.MaxTokensPerRequest))})",
            error.Param ?? "input",
            "request_too_large"),
        EmbeddingErrorKind.InvalidTask => new ApiException(400, error.Message, error.Param ?? "task", "invalid_task"),
        EmbeddingErrorKind.InvalidDimensions => new ApiException(400, error.Message, error.Param ?? "dimensions", "invalid_dimensions"),
        EmbeddingErrorKind.TooLarge => new ApiException(413, error.Message, error.Param ?? "input", "request_too_large"),
        EmbeddingErrorKind.QueueFull => new ApiException(429, error.Message, null, "queue_full", "rate_limit_error"),
        EmbeddingErrorKind.Unavailable => new ApiException(503, error.Message, null, "shutting_down", "server_error"),
        EmbeddingErrorKind.InvalidImage => new ApiException(400, error.Message, error.Param ?? "input", "invalid_image"),
        EmbeddingErrorKind.ImageTooLarge => new ApiException(
            413,
            $"{error.Message.TrimEnd('.')} (this server's limit is set by {SettingNames.Describe(nameof(ServerOptions.MaxImagePixels))})",
            error.Param ?? "input",
            "image_too_large"),
        EmbeddingErrorKind.UnsupportedModality => new ApiException(400, error.Message, error.Param ?? "input", "unsupported_modality"),
        _ => new ApiException(400, error.Message, error.Param ?? "input", "invalid_input"),
    };

    private static string Milliseconds(TimeSpan time) => time.TotalMilliseconds.ToString("0.###", CultureInfo.InvariantCulture);
}
