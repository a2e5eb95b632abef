// Wire request → library EmbeddingRequest, or the contract's error (api.md "POST /v1/embeddings", "Errors";
// architecture.md §3 step 2). No HTTP type crosses this line.
using System.Text.Json;
using System.Text.Unicode;
using JinaEmbed.Embedding;
using JinaEmbed.Server.Contracts;

namespace JinaEmbed.Server;

/// <summary>Validates request bodies against the contract.</summary>
internal static class RequestMapping
{
    /// <summary>The task name that selects the base model without adapter or prompt.</summary>
    public const string NoTask = "none";

    /// <summary>The modality name of models that embed images (<see cref="IEmbeddingBackend.Modalities"/>).</summary>
    public const string ImageModality = "image";

    /// <summary>Parses a JSON body into <typeparamref name="T"/>; malformed JSON, wrong types, invalid UTF-8 are 400.</summary>
    public static T Parse<T>(ReadOnlySpan<byte> body, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> typeInfo)
        where T : class
    {
        if (!Utf8.IsValid(body))
        {
            throw ApiException.BadRequest("the body is not valid UTF-8", null, "invalid_utf8");
        }

        // A syntax pass first, so that a later failure can only be a field of the wrong type.
        try
        {
            var reader = new Utf8JsonReader(body);
            while (reader.Read())
            {
            }
        }
        catch (JsonException error)
        {
            throw ApiException.BadRequest(SyntaxMessage(error, body.IsEmpty), null, "invalid_json");
        }

        T? parsed;
        try
        {
            parsed = JsonSerializer.Deserialize(body, typeInfo);
        }
        catch (JsonException error)
        {
            throw JsonError(error);
        }
        catch (Exception error) when (error is InvalidOperationException or ArgumentException or FormatException)
        {
            // System.Text.Json reports invalid escapes and unpaired \uD800-style surrogates this way.
            throw ApiException.BadRequest("the request body is not valid JSON: a string holds an invalid \\u escape or an unpaired surrogate", null, "invalid_json");
        }

        return parsed ?? throw ApiException.BadRequest("the body must be a JSON object", null, "invalid_type");
    }

    /// <summary>Maps a parsed embeddings request; <paramref name="backend"/> supplies tasks, sizes and the vocabulary.</summary>
    public static MappedEmbeddingsRequest Map(EmbeddingsApiRequest wire, IEmbeddingBackend backend, ServerOptions options, IReadOnlyCollection<string> modelNames)
    {
        if (options.StrictModelNames && wire.Model != null && !modelNames.Contains(wire.Model))
        {
            throw new ApiException(404, $"the model '{wire.Model}' is not served here; use one of: {string.Join(", ", modelNames)}", "model", "model_not_found");
        }

        var task = ResolveTask(wire.Task, backend, options);
        bool lateChunking = wire.LateChunking ?? false;
        bool images = backend.Modalities.Contains(ImageModality);
        var items = ReadInput(wire.Input, backend.VocabularySize, options.MaxItemsPerRequest, images, out var imageItems);
        if (imageItems.Count > 0)
        {
            int first = imageItems[0].Index;

            // An image can never be late-chunked, whatever the model: the more specific error comes first.
            if (lateChunking)
            {
                throw ApiException.BadRequest($"input[{first}] is an image; late_chunking takes text items only (send the images in a request without late_chunking)", "input", "late_chunking_image");
            }

            if (!images)
            {
                var modalities = string.Join(", ", backend.Modalities);
                throw ApiException.BadRequest($"input[{first}] is an image; the model '{backend.ModelName}' embeds {modalities} only (images need jina-embeddings-v4)", "input", "unsupported_modality");
            }
        }

        if (lateChunking && items.Any(i => i?.TokenIds != null))
        {
            throw ApiException.BadRequest("token-id inputs cannot be combined with late_chunking", "input", "late_chunking_token_ids");
        }

        bool multiVector = wire.ReturnMultivector ?? false;
        if (multiVector && backend.MultiVectorDimensions is null)
        {
            throw ApiException.BadRequest($"return_multivector needs a model with a multi-vector head (jina-embeddings-v4); '{backend.ModelName}' has none", "return_multivector", "multivector_unsupported");
        }

        var (formats, asObject) = ReadFormats(wire);
        int hidden = backend.HiddenSize;

        // Checked even with return_multivector, where it is otherwise ignored: a value out of range is a client bug.
        if (wire.Dimensions is { } d && (d < 1 || d > hidden))
        {
            throw ApiException.BadRequest($"dimensions must be between 1 and {hidden} (got {d})", "dimensions", "invalid_dimensions");
        }

        // Multi vectors always have the head's width (v4 spec §8.2), so only single vectors can break the byte packing.
        int dimensions = multiVector ? backend.MultiVectorDimensions!.Value : wire.Dimensions ?? hidden;
        if (dimensions % 8 != 0 && formats.Any(f => f is EmbeddingFormat.Binary or EmbeddingFormat.Ubinary))
        {
            throw ApiException.BadRequest($"binary and ubinary need dimensions to be a multiple of 8 (got {dimensions})", "dimensions", "invalid_dimensions");
        }

        var embedOptions = new EmbedOptions
        {
            Task = task,
            Dimensions = multiVector ? null : wire.Dimensions,
            Normalize = wire.Normalized ?? wire.Normalize ?? true, // the API's default (spec/api.md), for every model
            Truncate = wire.Truncate ?? options.DefaultTruncate, // OpenAI-dialect clients cannot send truncate
            LateChunking = lateChunking,
            Output = multiVector ? EmbeddingOutput.MultiVector : EmbeddingOutput.SingleVector,
        };
        return new MappedEmbeddingsRequest(items, imageItems, embedOptions, formats, asObject, multiVector);
    }

    /// <summary>Request task (or the server default) → library task name; null means the base model.</summary>
    public static string? ResolveTask(string? requested, IEmbeddingBackend backend, ServerOptions options)
    {
        // The server's default task only applies to a model that has tasks (a BERT model serves its base pipeline).
        var name = requested ?? (backend.Tasks.Count > 0 ? options.DefaultTask : NoTask);
        if (name == NoTask && backend.AllowsBaseModel)
        {
            return null;
        }

        if (name != NoTask && backend.Tasks.Any(t => t.Name == name))
        {
            return name;
        }

        var valid = backend.Tasks.Select(t => t.Name);
        var list = string.Join(", ", backend.AllowsBaseModel ? valid.Append(NoTask) : valid);
        var message = (requested, name) switch
        {
            (null, _) => $"the server's default task '{name}' (DefaultTask, --default-task) is not a task of this model; send a task. Valid tasks: {list}",
            (_, NoTask) => $"task 'none' is not available: this model has no base mode without a task adapter; valid tasks: {list}",
            _ => $"unknown task '{name}'; valid tasks: {list}",
        };
        throw ApiException.BadRequest(message, "task", "invalid_task");
    }

    /// <summary>
    /// Reads <c>input</c>: a string, strings, <c>{"text"}</c> / <c>{"image"}</c> objects, token ids, or arrays of token
    /// ids; with <paramref name="singleObject"/> (models that take images) also one bare item object. Image items come
    /// back in <paramref name="images"/>, with a null in their place in the returned list.
    /// </summary>
    public static List<EmbeddingInput?> ReadInput(JsonElement input, int vocabularySize, int maxItems, bool singleObject, out List<ImageItem> images)
    {
        images = [];
        switch (input.ValueKind)
        {
            case JsonValueKind.Undefined or JsonValueKind.Null:
                throw ApiException.BadRequest("input is required", "input", "missing_input");
            case JsonValueKind.String:
                return [EmbeddingInput.FromText(ReadText(input, "input"))];
            case JsonValueKind.Object when singleObject:
                return [ReadObject(input, "input", 0, images)];
            case JsonValueKind.Array:
                break;
            default:
                throw ApiException.BadRequest("input must be a string, an array of strings or {\"text\": ...} objects, or token ids", "input", "invalid_type");
        }

        int count = input.GetArrayLength();
        if (count == 0)
        {
            throw ApiException.BadRequest("input must not be an empty array", "input", "empty_input");
        }

        // A flat array of integers is one pre-tokenized item (OpenAI); otherwise one item per element.
        if (input.EnumerateArray().All(e => e.ValueKind == JsonValueKind.Number))
        {
            return [EmbeddingInput.FromTokenIds(ReadTokenIds(input, "input", vocabularySize))];
        }

        if (count > maxItems)
        {
            throw TooManyItems(count, maxItems);
        }

        var items = new List<EmbeddingInput?>(count);
        int index = 0;
        foreach (var element in input.EnumerateArray())
        {
            string where = $"input[{index}]";
            switch (element.ValueKind)
            {
                case JsonValueKind.String:
                    items.Add(EmbeddingInput.FromText(ReadText(element, where)));
                    break;
                case JsonValueKind.Object:
                    items.Add(ReadObject(element, where, index, images));
                    break;
                case JsonValueKind.Array:
                    items.Add(EmbeddingInput.FromTokenIds(ReadTokenIds(element, where, vocabularySize)));
                    break;
                default:
                    throw ApiException.BadRequest($"{where} must be a string, a {{\"text\": ...}} or {{\"image\": ...}} object or an array of token ids", "input", "invalid_type");
            }

            index++;
        }

        return items;
    }

    /// <summary>413 for an input of more items than the per-request limit, naming the setting that raises it.</summary>
    public static ApiException TooManyItems(int count, int maxItems) => ApiException.TooLarge(
        $"input has {count} items; the limit is {maxItems} (send fewer items per request, or raise the limit with {SettingNames.Describe(nameof(ServerOptions.MaxItemsPerRequest))})",
        "input",
        "too_many_items");

    /// <summary>Reads <c>embedding_type</c> (Jina) or else <c>encoding_format</c> (OpenAI).</summary>
    public static (IReadOnlyList<EmbeddingFormat> Formats, bool AsObject) ReadFormats(EmbeddingsApiRequest wire)
    {
        // encoding_type (LlamaIndex TS) means embedding_type; ignoring it would return floats where bits were asked for.
        bool alias = wire.EmbeddingType.ValueKind is JsonValueKind.Undefined or JsonValueKind.Null;
        var type = alias ? wire.EncodingType : wire.EmbeddingType;
        string field = alias ? "encoding_type" : "embedding_type";
        switch (type.ValueKind)
        {
            case JsonValueKind.String:
                return ([ParseFormat(type.GetString()!, field)], false);
            case JsonValueKind.Array:
                var formats = new List<EmbeddingFormat>();
                foreach (var element in type.EnumerateArray())
                {
                    if (element.ValueKind != JsonValueKind.String)
                    {
                        throw ApiException.BadRequest($"{field} must be a string or an array of strings", field, "invalid_type");
                    }

                    var format = ParseFormat(element.GetString()!, field);
                    if (!formats.Contains(format))
                    {
                        formats.Add(format);
                    }
                }

                if (formats.Count == 0)
                {
                    throw ApiException.BadRequest($"{field} must not be an empty array", field, "invalid_embedding_type");
                }

                return (formats, true);
            case JsonValueKind.Undefined or JsonValueKind.Null:
                break;
            default:
                throw ApiException.BadRequest($"{field} must be a string or an array of strings", field, "invalid_type");
        }

        return wire.EncodingFormat switch
        {
            null or "float" => ([EmbeddingFormat.Float], false),
            "base64" => ([EmbeddingFormat.Base64], false),
            var other => throw ApiException.BadRequest($"encoding_format must be 'float' or 'base64' (got '{other}')", "encoding_format", "invalid_encoding_format"),
        };
    }

    /// <summary>The wire name of a format.</summary>
    public static string FormatName(EmbeddingFormat format) => format switch
    {
        EmbeddingFormat.Float => "float",
        EmbeddingFormat.Base64 => "base64",
        EmbeddingFormat.Binary => "binary",
        _ => "ubinary",
    };

    /// <summary>Reads a JSON string and rejects unpaired surrogates (they cannot be tokenized meaningfully).</summary>
    public static string ReadText(JsonElement element, string where)
    {
        string text;
        try
        {
            text = element.GetString()!;
        }
        catch (InvalidOperationException)
        {
            throw ApiException.BadRequest($"{where} contains an unpaired surrogate", "input", "invalid_unicode");
        }

        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(c))
            {
                throw ApiException.BadRequest($"{where} contains an unpaired surrogate at character {i}", "input", "invalid_unicode");
            }
        }

        return text;
    }

    private static EmbeddingFormat ParseFormat(string name, string param) => name switch
    {
        "float" => EmbeddingFormat.Float,
        "base64" => EmbeddingFormat.Base64,
        "binary" => EmbeddingFormat.Binary,
        "ubinary" => EmbeddingFormat.Ubinary,
        _ => throw ApiException.BadRequest($"unknown embedding type '{name}'; use float, base64, binary or ubinary", param, "invalid_embedding_type"),
    };

    /// <summary>A <c>{"text": string}</c> item, or a <c>{"image": string}</c> one (recorded in <paramref name="images"/>, null returned).</summary>
    private static EmbeddingInput? ReadObject(JsonElement element, string where, int index, List<ImageItem> images)
    {
        bool hasText = element.TryGetProperty("text", out var text);
        bool hasImage = element.TryGetProperty("image", out var image);
        if (hasText && hasImage)
        {
            throw ApiException.BadRequest($"{where} has both \"text\" and \"image\"; send one per item", "input", "invalid_type");
        }

        if (hasImage)
        {
            if (image.ValueKind != JsonValueKind.String)
            {
                throw ApiException.BadRequest($"{where}: \"image\" must be a string (base64, a data: URI or an http(s) URL)", "input", "invalid_type");
            }

            images.Add(new ImageItem(index, image.GetString()!));
            return null;
        }

        if (text.ValueKind != JsonValueKind.String)
        {
            throw ApiException.BadRequest($"{where} must have a string \"text\" or \"image\" field", "input", "invalid_type");
        }

        return EmbeddingInput.FromText(ReadText(text, where));
    }

    private static int[] ReadTokenIds(JsonElement array, string where, int vocabularySize)
    {
        var ids = new int[array.GetArrayLength()];
        if (ids.Length == 0)
        {
            throw ApiException.BadRequest($"{where} is an empty token list", "input", "empty_input");
        }

        int i = 0;
        foreach (var element in array.EnumerateArray())
        {
            if (element.ValueKind != JsonValueKind.Number || !element.TryGetInt32(out int id))
            {
                throw ApiException.BadRequest($"{where}[{i}] must be an integer token id", "input", "invalid_type");
            }

            if (id < 0 || id >= vocabularySize)
            {
                throw ApiException.BadRequest($"{where}[{i}] = {id} is not a token id (the vocabulary has {vocabularySize})", "input", "invalid_token_id");
            }

            ids[i++] = id;
        }

        return ids;
    }

    /// <summary>
    /// A syntax error in plain words with its place, e.g. "the request body is not valid JSON: a comma before the closing
    /// '}' at line 1, column 15" (System.Text.Json's own text speaks of reader options and byte positions).
    /// </summary>
    internal static string SyntaxMessage(JsonException error, bool empty)
    {
        if (empty)
        {
            return "the request body is empty; send a JSON object such as {\"input\": \"some text\"}";
        }

        string raw = error.Message;
        string what = raw switch
        {
            _ when raw.Contains("trailing comma", StringComparison.OrdinalIgnoreCase) => "a comma before a closing '}' or ']' (remove it)",
            _ when raw.Contains("comment", StringComparison.OrdinalIgnoreCase) || raw.StartsWith("'/'", StringComparison.Ordinal)
                => "a '/' outside a string (JSON has no comments)",
            _ when raw.Contains("maximum configured depth", StringComparison.OrdinalIgnoreCase) => "objects and arrays nested more than 64 deep",
            _ when raw.Contains("open JSON object or array", StringComparison.OrdinalIgnoreCase) || raw.Contains("end of data", StringComparison.OrdinalIgnoreCase)
                => "the body ends before an object, array or string is closed",
            _ => PlainSentence(raw),
        };
        long line = (error.LineNumber ?? 0) + 1;
        long column = (error.BytePositionInLine ?? 0) + 1;
        return $"the request body is not valid JSON: {what} at line {line}, column {column}";
    }

    // System.Text.Json's message ("'\"' is invalid after a value. Expected either ',', '}', or ']'.") without its
    // position suffix and the sentences meant for the developer who configured the reader.
    private static string PlainSentence(string message)
    {
        int cut = message.IndexOf(" LineNumber:", StringComparison.Ordinal);
        var sentences = (cut < 0 ? message : message[..cut]).Trim().TrimEnd('.').Split(". ")
            .Where(s => !s.Contains("reader options", StringComparison.Ordinal) && !s.Contains("isFinalBlock", StringComparison.Ordinal) && !s.Contains("in this mode", StringComparison.Ordinal));
        return string.Join("; ", sentences);
    }

    private static ApiException JsonError(JsonException error)
    {
        // The syntax was checked already, so this is a field with the wrong type (or a non-object body).
        var path = error.Path;
        if (!string.IsNullOrEmpty(path) && path.StartsWith("$.", StringComparison.Ordinal))
        {
            var field = path[2..];
            int cut = field.IndexOfAny(['.', '[']);
            var param = cut < 0 ? field : field[..cut];
            return ApiException.BadRequest($"'{param}' has the wrong type", param, "invalid_type");
        }

        return ApiException.BadRequest("the body must be a JSON object", null, "invalid_type");
    }
}
