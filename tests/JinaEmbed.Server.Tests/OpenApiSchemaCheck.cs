// Checks a JSON value against a schema of the server's OpenAPI document (the subset of JSON Schema the document uses:
// $ref, oneOf/anyOf/allOf, type, enum, required, properties, additionalProperties, items). Strict on objects: a
// property the schema does not list is a problem, so a field sent but not documented fails the test.
using System.Text.Json;

namespace JinaEmbed.Server.Tests;

internal static class OpenApiSchemaCheck
{
    /// <summary>The problems found, each with its JSON path; empty when the value fits.</summary>
    public static List<string> Problems(JsonElement value, JsonElement schema, JsonElement document)
    {
        var problems = new List<string>();
        Check(value, schema, document, "$", problems);
        return problems;
    }

    private static void Check(JsonElement value, JsonElement schema, JsonElement document, string path, List<string> problems)
    {
        if (schema.TryGetProperty("$ref", out var reference))
        {
            Check(value, Resolve(reference.GetString()!, document), document, path, problems);
        }

        if (schema.TryGetProperty("allOf", out var allOf))
        {
            foreach (var part in allOf.EnumerateArray())
            {
                Check(value, part, document, path, problems);
            }
        }

        if (schema.TryGetProperty("oneOf", out var oneOf))
        {
            int fits = oneOf.EnumerateArray().Count(part => Problems(value, part, document, path).Count == 0);
            if (fits != 1)
            {
                problems.Add($"{path}: fits {fits} of the oneOf alternatives, not exactly one ({Short(value)})");
            }
        }

        if (schema.TryGetProperty("anyOf", out var anyOf) && !anyOf.EnumerateArray().Any(part => Problems(value, part, document, path).Count == 0))
        {
            problems.Add($"{path}: fits none of the anyOf alternatives ({Short(value)})");
        }

        if (schema.TryGetProperty("type", out var type))
        {
            var allowed = type.ValueKind == JsonValueKind.Array ? type.EnumerateArray().Select(t => t.GetString()!).ToArray() : [type.GetString()!];
            if (!allowed.Any(t => IsOfType(value, t)))
            {
                problems.Add($"{path}: {value.ValueKind} where the schema says {string.Join(" or ", allowed)}");
                return;
            }
        }

        if (schema.TryGetProperty("enum", out var options) && !options.EnumerateArray().Any(option => option.GetRawText() == value.GetRawText()))
        {
            problems.Add($"{path}: {value.GetRawText()} is not one of {options.GetRawText()}");
        }

        switch (value.ValueKind)
        {
            case JsonValueKind.Object:
                CheckObject(value, schema, document, path, problems);
                break;
            case JsonValueKind.Array when schema.TryGetProperty("items", out var items):
                int index = 0;
                foreach (var item in value.EnumerateArray())
                {
                    Check(item, items, document, $"{path}[{index++}]", problems);
                }

                break;
        }
    }

    private static void CheckObject(JsonElement value, JsonElement schema, JsonElement document, string path, List<string> problems)
    {
        bool hasProperties = schema.TryGetProperty("properties", out var properties);
        bool hasAdditional = schema.TryGetProperty("additionalProperties", out var additional);
        if (!hasProperties && !hasAdditional)
        {
            return; // a schema that names no shape (e.g. one branch of a oneOf decided by type only)
        }

        if (schema.TryGetProperty("required", out var required))
        {
            foreach (var name in required.EnumerateArray().Select(r => r.GetString()!))
            {
                if (!value.TryGetProperty(name, out _))
                {
                    problems.Add($"{path}: the required property {name} is missing");
                }
            }
        }

        foreach (var property in value.EnumerateObject())
        {
            if (hasProperties && properties.TryGetProperty(property.Name, out var propertySchema))
            {
                Check(property.Value, propertySchema, document, $"{path}.{property.Name}", problems);
            }
            else if (hasAdditional && additional.ValueKind == JsonValueKind.Object)
            {
                Check(property.Value, additional, document, $"{path}.{property.Name}", problems);
            }
            else
            {
                problems.Add($"{path}.{property.Name}: sent, but not in the schema");
            }
        }
    }

    private static List<string> Problems(JsonElement value, JsonElement schema, JsonElement document, string path)
    {
        var problems = new List<string>();
        Check(value, schema, document, path, problems);
        return problems;
    }

    public static JsonElement Resolve(string reference, JsonElement document)
    {
        const string prefix = "#/";
        Assert.StartsWith(prefix, reference);
        var node = document;
        foreach (var part in reference[prefix.Length..].Split('/'))
        {
            Assert.True(node.TryGetProperty(part.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal), out node), $"{reference} does not resolve in the document");
        }

        return node;
    }

    private static bool IsOfType(JsonElement value, string type) => type switch
    {
        "null" => value.ValueKind == JsonValueKind.Null,
        "string" => value.ValueKind == JsonValueKind.String,
        "boolean" => value.ValueKind is JsonValueKind.True or JsonValueKind.False,
        "integer" => value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out _),
        "number" => value.ValueKind == JsonValueKind.Number,
        "array" => value.ValueKind == JsonValueKind.Array,
        "object" => value.ValueKind == JsonValueKind.Object,
        _ => false,
    };

    private static string Short(JsonElement value)
    {
        string text = value.GetRawText();
        return text.Length <= 80 ? text : text[..80] + "…";
    }
}
