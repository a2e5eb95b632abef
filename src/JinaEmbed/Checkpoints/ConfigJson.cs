// Reading a model's config.json: one place for the file errors every config reader reports the same way.
using System.Text.Json;

namespace JinaEmbed.Checkpoints;

/// <summary>config.json as text and as a JSON object, with CheckpointExceptions that name the file.</summary>
internal static class ConfigJson
{
    /// <summary>The file's text (a UTF-8 byte-order mark is dropped).</summary>
    public static string ReadText(string path)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CheckpointException($"Cannot read config {path}: {e.Message}", e);
        }
    }

    /// <summary>Parses <paramref name="json"/>, which must be an object; <paramref name="source"/> names it in errors.</summary>
    public static JsonDocument ParseObject(string json, string source)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json);
        }
        catch (JsonException e)
        {
            throw new CheckpointException($"Config {source} is not well-formed JSON: {e.Message}", e);
        }

        if (document.RootElement.ValueKind != JsonValueKind.Object)
        {
            document.Dispose();
            throw new CheckpointException($"Config {source} is not a JSON object.");
        }

        return document;
    }
}
