// The OpenAPI document (/openapi/v1.json), the interactive reference (/docs, Scalar) and the playground (/), all
// readable without the API key: they describe the API, every call they make goes through it (issue #16).
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using JinaEmbed.Server.Contracts;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.OpenApi;
using Scalar.AspNetCore;

namespace JinaEmbed.Server;

/// <summary>Registers and maps the API description and the pages built on it.</summary>
internal static class ApiDocumentation
{
    public const string DocumentPath = "/openapi/v1.json";
    public const string ReferencePath = "/docs";
    private const string BearerScheme = "bearer";

    /// <summary>Routes open without a key (ApiKeyFilter), besides the documentation's own.</summary>
    private static readonly string[] OpenRoutes = ["/health", "/ready", "/metrics"];

    public static void AddServices(IServiceCollection services)
    {
        services.ConfigureHttpJsonOptions(json =>
        {
            // The schemas come from these options: the contracts' metadata, and numbers as the endpoints read them
            // (RequestMapping parses with ServerJsonContext: a number sent as a string is a 400).
            json.SerializerOptions.TypeInfoResolverChain.Insert(0, ServerJsonContext.Default);
            json.SerializerOptions.NumberHandling = JsonNumberHandling.Strict;
        });
        services.AddOpenApi("v1", openApi =>
        {
            // Raw fields (JsonElement) get their shape per property below, so they stay inline instead of one shared component.
            openApi.CreateSchemaReferenceId = type => Nullable.GetUnderlyingType(type.Type) == typeof(JsonElement) || type.Type == typeof(JsonElement)
                ? null
                : OpenApiOptions.CreateDefaultSchemaReferenceId(type);
            openApi.AddDocumentTransformer((document, context, _) =>
            {
                var runtime = context.ApplicationServices.GetRequiredService<ServerRuntime>();
                document.Info = new OpenApiInfo
                {
                    Title = "JinaEmbed",
                    Version = typeof(ApiDocumentation).Assembly.GetName().Version?.ToString(3) ?? "0.0.0",
                    Description = "Jina's and OpenAI's embeddings API in one: task, dimensions, late_chunking, embedding_type, "
                        + "return_multivector, and encoding_format with token-id inputs. The same shapes serve every model; "
                        + "GET /info tells which tasks, dimensions and modalities this one has.",
                };
                if (!string.IsNullOrEmpty(runtime.Options.ApiKey))
                {
                    AddBearerRequirement(document);
                }

                return Task.CompletedTask;
            });
            openApi.AddOperationTransformer(async (operation, context, cancellationToken) =>
            {
                if (context.Description.ActionDescriptor.EndpointMetadata.OfType<JsonRequestBody>().FirstOrDefault() is { } body)
                {
                    operation.RequestBody = new OpenApiRequestBody
                    {
                        Required = true,
                        Content = new Dictionary<string, OpenApiMediaType>
                        {
                            ["application/json"] = new() { Schema = await context.GetOrCreateSchemaAsync(body.Type, null, cancellationToken) },
                        },
                    };
                }
            });
            openApi.AddSchemaTransformer((schema, context, _) =>
            {
                if (context.JsonPropertyInfo is { } property)
                {
                    if (FieldShapes.TryGetValue((property.DeclaringType, property.Name), out var shape))
                    {
                        shape(schema);
                    }

                    if (FieldDescriptions.TryGetValue((property.DeclaringType, property.Name), out var description))
                    {
                        schema.Description = description;
                    }
                }
                else if (context.JsonTypeInfo.Type == typeof(EmbeddingsApiRequest) || context.JsonTypeInfo.Type == typeof(TokenizeApiRequest))
                {
                    schema.Required ??= new HashSet<string>();
                    schema.Required.Add("input");
                }

                return Task.CompletedTask;
            });
        });
    }

    public static void Map(WebApplication app)
    {
        app.MapOpenApi(DocumentPath).AllowAnonymous();
        app.MapScalarApiReference(ReferencePath, scalar => scalar
            .WithTitle("JinaEmbed API")
            .WithOpenApiRoutePattern(DocumentPath)
            .DisableDefaultFonts() // the fonts would come from Scalar's CDN; the server may run offline
            .DisableAgent()
            .DisableMcp()
            .AddPreferredSecuritySchemes([BearerScheme]))
            .AllowAnonymous();
        Playground.Map(app);
    }

    /// <summary>
    /// Documents <typeparamref name="TRequest"/> as the JSON body. Not <c>Accepts&lt;T&gt;</c>: that also makes routing
    /// answer 415 to a body sent without <c>Content-Type: application/json</c>, which the endpoints take (they read
    /// the raw bytes as JSON whatever the header says).
    /// </summary>
    public static RouteHandlerBuilder WithJsonBody<TRequest>(this RouteHandlerBuilder route) =>
        route.WithMetadata(new JsonRequestBody(typeof(TRequest)));

    /// <summary>Route handler metadata: the contract's body and the error body for each failing status.</summary>
    public static RouteHandlerBuilder Describe<TResponse>(this RouteHandlerBuilder route, string name, string summary, params int[] errorStatuses)
    {
        route.WithName(name).WithSummary(summary).Produces<TResponse>(StatusCodes.Status200OK);
        foreach (int status in errorStatuses)
        {
            route.Produces<ErrorApiResponse>(status);
        }

        return route;
    }

    /// <summary>What the request fields do (api.md "Fields").</summary>
    private static readonly Dictionary<(Type, string), string> FieldDescriptions = new()
    {
        [(typeof(EmbeddingsApiRequest), "model")] = "The served name or an alias (GET /v1/models); others are ignored unless the server is strict.",
        [(typeof(EmbeddingsApiRequest), "task")] = "A task of GET /info (retrieval.query, retrieval.passage, text-matching, …); absent: the server's default.",
        [(typeof(EmbeddingsApiRequest), "dimensions")] = "Matryoshka truncation: 1..the model's width, re-normalised; single vectors only.",
        [(typeof(EmbeddingsApiRequest), "late_chunking")] = "The items are chunks of one document: encoded together, one vector per chunk.",
        [(typeof(EmbeddingsApiRequest), "encoding_format")] = "OpenAI's field: float or base64; used when embedding_type is absent.",
        [(typeof(EmbeddingsApiRequest), "normalized")] = "Unit-length vectors (default true).",
        [(typeof(EmbeddingsApiRequest), "normalize")] = "Same as normalized.",
        [(typeof(EmbeddingsApiRequest), "truncate")] = "Cut over-long inputs instead of answering 400 context_length_exceeded.",
        [(typeof(EmbeddingsApiRequest), "return_multivector")] = "One vector per token (data[].embeddings) for models with a multi-vector head.",
        [(typeof(TokenizeApiRequest), "task")] = "Prepend this task's prompt, as the model would see the text.",
        [(typeof(TokenizeApiRequest), "add_special_tokens")] = "Add the model's special tokens (default true).",
        [(typeof(EmbeddingApiItem), "embedding")] = "The item's vector: floats, a base64 string of little-endian float32, or packed sign bits (binary, ubinary); "
            + "an object keyed by type when embedding_type is an array. Absent with return_multivector.",
        [(typeof(EmbeddingApiItem), "embeddings")] = "With return_multivector: one vector per token, each encoded as embedding is; an object keyed by type "
            + "when embedding_type is an array.",
    };

    /// <summary>Fields whose JSON type depends on the request (kept raw as JsonElement): their real shapes.</summary>
    private static readonly Dictionary<(Type, string), Action<OpenApiSchema>> FieldShapes = new()
    {
        [(typeof(EmbeddingsApiRequest), "input")] = schema => Shape(
            schema,
            "A text, or an array of: texts, {\"text\": ...} objects, {\"image\": base64 | data URI | URL} objects (image models), "
                + "token-id arrays. A single array of integers is one item of token ids.",
            new OpenApiSchema { Type = JsonSchemaType.String },
            new OpenApiSchema { Type = JsonSchemaType.Array, Items = new OpenApiSchema { Type = JsonSchemaType.Integer } },
            new OpenApiSchema { Type = JsonSchemaType.Array, Items = Shape(new OpenApiSchema(), null, ItemSchemas()) }),
        [(typeof(EmbeddingsApiRequest), "embedding_type")] = schema => Shape(
            schema,
            "float, base64, binary or ubinary; an array of them returns each embedding as an object keyed by type.",
            EncodingNames(),
            new OpenApiSchema { Type = JsonSchemaType.Array, Items = EncodingNames() }),
        [(typeof(TokenizeApiRequest), "input")] = schema => Shape(
            schema,
            "A text, or an array of texts or {\"text\": ...} objects.",
            new OpenApiSchema { Type = JsonSchemaType.String },
            new OpenApiSchema
            {
                Type = JsonSchemaType.Array,
                Items = Shape(new OpenApiSchema(), null, new OpenApiSchema { Type = JsonSchemaType.String }, TextItem()),
            }),
        [(typeof(EmbeddingApiItem), "embedding")] = schema => Shape(schema, null, EncodedVector(), KeyedByType(EncodedVector())),
        [(typeof(EmbeddingApiItem), "embeddings")] = schema => Shape(
            schema,
            null,
            new OpenApiSchema { Type = JsonSchemaType.Array, Items = EncodedVector() },
            KeyedByType(new OpenApiSchema { Type = JsonSchemaType.Array, Items = EncodedVector() })),
    };

    /// <summary>Any of the alternatives (they may overlap: an empty array is both a token-id item and an empty list).</summary>
    private static OpenApiSchema Shape(OpenApiSchema schema, string? description, params OpenApiSchema[] alternatives)
    {
        schema.Type = null;
        schema.Description = description;
        schema.OneOf = null;
        schema.AnyOf = [.. alternatives];
        return schema;
    }

    private static OpenApiSchema[] ItemSchemas() =>
    [
        new OpenApiSchema { Type = JsonSchemaType.String },
        new OpenApiSchema { Type = JsonSchemaType.Array, Items = new OpenApiSchema { Type = JsonSchemaType.Integer } },
        TextItem(),
        new OpenApiSchema
        {
            Type = JsonSchemaType.Object,
            Required = new HashSet<string> { "image" },
            Properties = new Dictionary<string, IOpenApiSchema> { ["image"] = new OpenApiSchema { Type = JsonSchemaType.String } },
        },
    ];

    private static OpenApiSchema TextItem() => new()
    {
        Type = JsonSchemaType.Object,
        Required = new HashSet<string> { "text" },
        Properties = new Dictionary<string, IOpenApiSchema> { ["text"] = new OpenApiSchema { Type = JsonSchemaType.String } },
    };

    private static OpenApiSchema EncodingNames() => new()
    {
        Type = JsonSchemaType.String,
        Enum = [JsonValue.Create("float"), JsonValue.Create("base64"), JsonValue.Create("binary"), JsonValue.Create("ubinary")],
    };

    /// <summary>One vector in one encoding: floats, a base64 string, or packed sign bits as integers.</summary>
    private static OpenApiSchema EncodedVector() => Shape(
        new OpenApiSchema(),
        null,
        new OpenApiSchema { Type = JsonSchemaType.Array, Items = new OpenApiSchema { Type = JsonSchemaType.Number } },
        new OpenApiSchema { Type = JsonSchemaType.String, Format = "byte" });

    private static OpenApiSchema KeyedByType(OpenApiSchema value) => new()
    {
        Type = JsonSchemaType.Object,
        AdditionalProperties = value,
    };

    private static void AddBearerRequirement(OpenApiDocument document)
    {
        document.Components ??= new OpenApiComponents();
        document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
        document.Components.SecuritySchemes[BearerScheme] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.Http,
            Scheme = "bearer",
            Description = "The server's --api-key, sent as Authorization: Bearer <key>.",
        };
        foreach (var (path, item) in document.Paths)
        {
            if (OpenRoutes.Contains(path, StringComparer.OrdinalIgnoreCase) || item.Operations == null)
            {
                continue;
            }

            foreach (var operation in item.Operations.Values)
            {
                operation.Security ??= [];
                operation.Security.Add(new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(BearerScheme, document)] = [] });
            }
        }
    }

    /// <summary>Endpoint metadata read by the operation transformer: the documented request body.</summary>
    private sealed record JsonRequestBody(Type Type);
}
