// POST /tokenize: ids, pieces and offsets per item, as the model would see them (api.md "Other endpoints").
using System.Text.Json;
using JinaEmbed.Server.Contracts;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace JinaEmbed.Server.Endpoints;

/// <summary>The tokenize route.</summary>
internal static class TokenizeEndpoints
{
    public static void Map(IEndpointRouteBuilder routes) => routes.MapPost("/tokenize", HandleAsync).WithJsonBody<TokenizeApiRequest>()
        .Describe<TokenizeApiResponse>("Tokenize", "Token ids, pieces and offsets per text", 400, 401, 413, 503);

    private static async Task HandleAsync(HttpContext context, ServerRuntime runtime)
    {
        var backend = runtime.RequireReady();
        var body = await RequestBody.ReadAsync(context.Request, runtime.Options.MaxRequestBodyBytes, context.RequestAborted);
        var wire = RequestMapping.Parse(body, ServerJsonContext.Default.TokenizeApiRequest);
        var texts = ReadTexts(wire.Input, runtime.Options.MaxItemsPerRequest);

        // Only an explicit task adds a prompt here: /tokenize shows the text itself unless asked otherwise.
        string prompt = wire.Task == null ? string.Empty : backend.Tasks.FirstOrDefault(t => t.Name == RequestMapping.ResolveTask(wire.Task, backend, runtime.Options))?.Prompt ?? string.Empty;
        bool addSpecial = wire.AddSpecialTokens ?? true;
        var items = new List<TokenizeApiItem>(texts.Count);
        for (int i = 0; i < texts.Count; i++)
        {
            var encoding = backend.Tokenize(prompt + texts[i], addSpecial);
            var offsets = new int[encoding.Count][];
            for (int t = 0; t < encoding.Count; t++)
            {
                var (start, end) = encoding.Offsets[t];
                offsets[t] = encoding.SpecialTokensMask[t] || end <= prompt.Length
                    ? [0, 0]
                    : [Math.Max(0, start - prompt.Length), end - prompt.Length];
            }

            items.Add(new TokenizeApiItem(i, encoding.Ids, encoding.Tokens, offsets));
        }

        await context.Response.WriteAsJsonAsync(new TokenizeApiResponse(items), ServerJsonContext.Responses.TokenizeApiResponse, cancellationToken: context.RequestAborted);
    }

    /// <summary>The texts of a /tokenize <c>input</c>, or the contract's 4xx.</summary>
    internal static List<string> ReadTexts(JsonElement input, int maxItems)
    {
        switch (input.ValueKind)
        {
            case JsonValueKind.String:
                return [RequestMapping.ReadText(input, "input")];
            case JsonValueKind.Array:
                int count = input.GetArrayLength();
                if (count == 0)
                {
                    throw ApiException.BadRequest("input must not be an empty array", "input", "empty_input");
                }

                if (count > maxItems)
                {
                    throw RequestMapping.TooManyItems(count, maxItems);
                }

                var texts = new List<string>(count);
                int index = 0;
                foreach (var element in input.EnumerateArray())
                {
                    var text = element.ValueKind switch
                    {
                        JsonValueKind.String => element,
                        JsonValueKind.Object when element.TryGetProperty("text", out var t) && t.ValueKind == JsonValueKind.String => t,
                        JsonValueKind.Object when element.TryGetProperty("image", out _) =>
                            throw ApiException.BadRequest($"input[{index}] is an image; /tokenize takes text items only", "input", "unsupported_modality"),
                        _ => throw ApiException.BadRequest($"input[{index}] must be a string or a {{\"text\": ...}} object", "input", "invalid_type"),
                    };
                    texts.Add(RequestMapping.ReadText(text, $"input[{index}]"));
                    index++;
                }

                return texts;
            case JsonValueKind.Undefined or JsonValueKind.Null:
                throw ApiException.BadRequest("input is required", "input", "missing_input");
            default:
                throw ApiException.BadRequest("input must be a string or an array of strings", "input", "invalid_type");
        }
    }
}
