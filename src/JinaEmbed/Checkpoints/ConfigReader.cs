// Typed reads of config.json keys with CheckpointExceptions that name the file and key (shared by the config readers).
using System.Text.Json;

namespace JinaEmbed.Checkpoints;

/// <summary>Reads integers, numbers, strings and lists from one JSON object of a config file.</summary>
internal readonly struct ConfigReader(JsonElement root, string source)
{
    public int Int(string key, int fallback)
    {
        if (!root.TryGetProperty(key, out var v) || v.ValueKind == JsonValueKind.Null)
        {
            return fallback;
        }

        if (v.ValueKind == JsonValueKind.Number && v.TryGetInt32(out int i))
        {
            return i;
        }

        if (v.ValueKind == JsonValueKind.Number && v.TryGetDouble(out double d) && d == Math.Floor(d) && Math.Abs(d) < int.MaxValue)
        {
            return (int)d;
        }

        throw new CheckpointException($"Config {source}: '{key}' must be an integer, got {v.GetRawText()}.");
    }

    public float Float(string key, float fallback)
    {
        if (!root.TryGetProperty(key, out var v) || v.ValueKind == JsonValueKind.Null)
        {
            return fallback;
        }

        if (v.ValueKind == JsonValueKind.Number)
        {
            return (float)v.GetDouble();
        }

        throw new CheckpointException($"Config {source}: '{key}' must be a number, got {v.GetRawText()}.");
    }

    public string? String(string key)
    {
        if (!root.TryGetProperty(key, out var v) || v.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (v.ValueKind == JsonValueKind.String)
        {
            return v.GetString();
        }

        throw new CheckpointException($"Config {source}: '{key}' must be a string, got {v.GetRawText()}.");
    }

    public List<string> StringList(string key)
    {
        var list = new List<string>();
        if (!root.TryGetProperty(key, out var v) || v.ValueKind == JsonValueKind.Null)
        {
            return list;
        }

        if (v.ValueKind != JsonValueKind.Array || v.EnumerateArray().Any(e => e.ValueKind != JsonValueKind.String))
        {
            throw new CheckpointException($"Config {source}: '{key}' must be an array of strings.");
        }

        list.AddRange(v.EnumerateArray().Select(e => e.GetString()!));
        return list;
    }

    public List<int> IntList(string key)
    {
        var list = new List<int>();
        if (!root.TryGetProperty(key, out var v) || v.ValueKind == JsonValueKind.Null)
        {
            return list;
        }

        if (v.ValueKind != JsonValueKind.Array || v.EnumerateArray().Any(e => e.ValueKind != JsonValueKind.Number || !e.TryGetInt32(out _)))
        {
            throw new CheckpointException($"Config {source}: '{key}' must be an array of integers.");
        }

        list.AddRange(v.EnumerateArray().Select(e => e.GetInt32()));
        return list;
    }

    /// <summary>Whether the key is present with a non-null value.</summary>
    public bool Has(string key) => root.TryGetProperty(key, out var v) && v.ValueKind != JsonValueKind.Null;

    public bool Bool(string key, bool fallback)
    {
        if (!root.TryGetProperty(key, out var v) || v.ValueKind == JsonValueKind.Null)
        {
            return fallback;
        }

        if (v.ValueKind is JsonValueKind.True or JsonValueKind.False)
        {
            return v.GetBoolean();
        }

        throw new CheckpointException($"Config {source}: '{key}' must be true or false, got {v.GetRawText()}.");
    }

    /// <summary>A reader over the nested object <paramref name="key"/>, or null when the key is absent.</summary>
    public ConfigReader? Object(string key)
    {
        if (!root.TryGetProperty(key, out var v) || v.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (v.ValueKind != JsonValueKind.Object)
        {
            throw new CheckpointException($"Config {source}: '{key}' must be an object, got {v.GetRawText()}.");
        }

        return new ConfigReader(v, $"{source} ({key})");
    }
}
