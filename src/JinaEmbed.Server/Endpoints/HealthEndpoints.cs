// GET /health, /ready, /v1/models, /info, /metrics (api.md "Other endpoints").
using JinaEmbed.Server.Contracts;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace JinaEmbed.Server.Endpoints;

/// <summary>Liveness, readiness, model list, server info and metrics.</summary>
internal static class HealthEndpoints
{
    public static void Map(IEndpointRouteBuilder routes)
    {
        routes.MapGet("/health", () => Results.Json(new StatusApiResponse("ok"), ServerJsonContext.Responses.StatusApiResponse))
            .Describe<StatusApiResponse>("Health", "Liveness: 200 while the process runs");
        routes.MapGet("/ready", (ServerRuntime runtime) => runtime.State switch
        {
            ServerState.Ready => Results.Json(new StatusApiResponse("ready"), ServerJsonContext.Responses.StatusApiResponse),
            var state => Results.Json(new StatusApiResponse(StatusName(state)), ServerJsonContext.Responses.StatusApiResponse, statusCode: 503),
        }).Describe<StatusApiResponse>("Ready", "Readiness: 200 once the model is loaded, 503 while loading or shutting down")
            .Produces<StatusApiResponse>(StatusCodes.Status503ServiceUnavailable);
        routes.MapGet("/v1/models", Models).Describe<ModelsApiResponse>("ListModels", "The served model name and its aliases", 401, 503);
        routes.MapGet("/models", Models).Describe<ModelsApiResponse>("ListModelsAlias", "The served models (alias of /v1/models)", 401, 503);

        // A catch-all: hub ids hold a slash (jinaai/jina-embeddings-v3), which SDKs send as it is or as %2F.
        routes.MapGet("/v1/models/{**id}", Model).Describe<ModelApiEntry>("GetModel", "The model object when id is the served name or an alias, else 404 model_not_found", 401, 404, 503);
        routes.MapGet("/models/{**id}", Model).Describe<ModelApiEntry>("GetModelAlias", "The model object (alias of /v1/models/{id})", 401, 404, 503);
        routes.MapGet("/info", Info).Describe<InfoApiResponse>("Info", "Model, tasks, dimensions, modalities, limits and version", 401, 503);
        routes.MapGet("/metrics", async (HttpContext context, ServerRuntime runtime) =>
        {
            context.Response.ContentType = "text/plain; version=0.0.4; charset=utf-8";
            await runtime.Metrics.Registry.CollectAndExportAsTextAsync(context.Response.Body, context.RequestAborted);
        }).WithName("Metrics").WithSummary("Prometheus metrics").Produces<string>(StatusCodes.Status200OK, "text/plain");
    }

    private static IResult Models(ServerRuntime runtime)
    {
        runtime.RequireReady();
        var entries = runtime.ModelNames.Select(name => new ModelApiEntry(name, "model", 0, "jinaai")).ToArray();
        return Results.Json(new ModelsApiResponse("list", entries), ServerJsonContext.Responses.ModelsApiResponse);
    }

    /// <summary>OpenAI's <c>models.retrieve</c>: the model object of the served name or an alias, else 404.</summary>
    private static IResult Model(string id, ServerRuntime runtime)
    {
        runtime.RequireReady();
        var name = Uri.UnescapeDataString(id);
        if (!runtime.ModelNames.Contains(name))
        {
            throw new ApiException(404, $"the model '{name}' is not served here; this server serves: {string.Join(", ", runtime.ModelNames)}", "model", "model_not_found");
        }

        return Results.Json(new ModelApiEntry(name, "model", 0, "jinaai"), ServerJsonContext.Responses.ModelApiEntry);
    }

    private static IResult Info(ServerRuntime runtime)
    {
        var backend = runtime.RequireReady();
        var options = runtime.Options;
        var info = new InfoApiResponse(
            runtime.ModelName,
            runtime.ModelNames.Skip(1).ToArray(),
            backend.Revision,
            backend.Modalities,
            backend.HiddenSize,
            backend.HiddenSize, // the full single-vector width, the largest `dimensions`
            backend.MatryoshkaDimensions,
            backend.MultiVectorDimensions,
            backend.MaxTokens,
            backend.Tasks.Count > 0 ? options.DefaultTask : null, // a model without adapters has no default task
            options.DefaultTruncate,
            backend.Tasks.Select(t => new InfoApiTask(t.Name, t.Adapter, t.Prompt, t.Prompt)).ToArray(),
            backend.WeightType,
            options.Precision == JinaEmbed.Compute.Precision.Int8 ? "int8" : "exact",
            backend.Threads,
            new InfoApiLimits(options.MaxItemsPerRequest, options.MaxTokensPerRequest, options.MaxRequestBodyBytes, options.QueueCapacity, options.MaxBatchTokens, options.MaxBatchSequences),
            backend.ImageResize is { } resize
                ? new InfoApiImage(
                    resize.MinPixels,
                    resize.MaxPixels,
                    resize.MaxImageTokens,
                    options.MaxImagePixels,
                    runtime.ImageFetcher.Enabled,
                    runtime.ImageFetcher.AllowedHosts,
                    options.ImageUrlMaxBytes,
                    options.ImageUrlTimeoutSeconds,
                    options.ImageUrlMaxRedirects)
                : null,
            typeof(HealthEndpoints).Assembly.GetName().Version?.ToString() ?? "0.0.0");
        return Results.Json(info, ServerJsonContext.Responses.InfoApiResponse);
    }

    private static string StatusName(ServerState state) => state switch
    {
        ServerState.Loading => "loading",
        ServerState.ShuttingDown => "shutting_down",
        ServerState.Failed => "failed",
        _ => "ready",
    };
}
