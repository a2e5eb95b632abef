// Typed access to the jina-specific settings that travel in EmbeddingGenerationOptions.AdditionalProperties
// (task, late chunking, truncation); values are stored as strings and booleans so caching middleware can hash them.
using System.Text.Json;
using Microsoft.Extensions.AI;

namespace JinaEmbed.Integration;

/// <summary>Sets and reads the task, late chunking and truncation of an <see cref="EmbeddingGenerationOptions"/>.</summary>
public static class JinaEmbeddingGenerationOptionsExtensions
{
    /// <summary>The <see cref="EmbeddingGenerationOptions.AdditionalProperties"/> key holding the task name.</summary>
    public const string TaskKey = "jina.task";

    /// <summary>The key holding the late-chunking flag (bool).</summary>
    public const string LateChunkingKey = "jina.late_chunking";

    /// <summary>The key holding the truncation flag (bool).</summary>
    public const string TruncateKey = "jina.truncate";

    /// <summary>Selects the task adapter and prompt for this call; returns the same options for chaining.</summary>
    public static EmbeddingGenerationOptions WithTask(this EmbeddingGenerationOptions options, JinaTask task)
        => options.WithTask(task.ToTaskName());

    /// <summary>Selects a task by name (<c>retrieval.query</c>, …, <c>none</c>); returns the same options for chaining.</summary>
    public static EmbeddingGenerationOptions WithTask(this EmbeddingGenerationOptions options, string taskName)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentException.ThrowIfNullOrWhiteSpace(taskName);
        (options.AdditionalProperties ??= [])[TaskKey] = taskName;
        return options;
    }

    /// <summary>
    /// Treats the values of one call as consecutive chunks of one document: they are encoded together and each
    /// chunk's vector sees the whole document (late chunking). Don't cache such calls per value.
    /// </summary>
    public static EmbeddingGenerationOptions WithLateChunking(this EmbeddingGenerationOptions options, bool enabled = true)
    {
        ArgumentNullException.ThrowIfNull(options);
        (options.AdditionalProperties ??= [])[LateChunkingKey] = enabled;
        return options;
    }

    /// <summary>Cuts texts longer than the model's maximum instead of failing.</summary>
    public static EmbeddingGenerationOptions WithTruncation(this EmbeddingGenerationOptions options, bool enabled = true)
    {
        ArgumentNullException.ThrowIfNull(options);
        (options.AdditionalProperties ??= [])[TruncateKey] = enabled;
        return options;
    }

    /// <summary>The task name set on the options, or null when none is set.</summary>
    /// <exception cref="ArgumentException">The stored value is neither a string nor a <see cref="JinaTask"/>.</exception>
    public static string? GetTaskName(this EmbeddingGenerationOptions? options)
    {
        if (options?.AdditionalProperties is not { } properties || !properties.TryGetValue(TaskKey, out var value) || value is null)
        {
            return null;
        }

        return value switch
        {
            string name => name,
            JinaTask task => task.ToTaskName(),
            JsonElement { ValueKind: JsonValueKind.String } element => element.GetString(),
            _ => throw new ArgumentException($"AdditionalProperties[\"{TaskKey}\"] must be a task name or a JinaTask, not {value.GetType().Name}.", nameof(options)),
        };
    }

    /// <summary>Whether late chunking is requested (false when unset).</summary>
    public static bool GetLateChunking(this EmbeddingGenerationOptions? options) => ReadFlag(options, LateChunkingKey);

    /// <summary>Whether truncation is requested (null when unset, so a configured default applies).</summary>
    public static bool? GetTruncation(this EmbeddingGenerationOptions? options)
        => options?.AdditionalProperties?.ContainsKey(TruncateKey) == true ? ReadFlag(options, TruncateKey) : null;

    private static bool ReadFlag(EmbeddingGenerationOptions? options, string key)
    {
        if (options?.AdditionalProperties is not { } properties || !properties.TryGetValue(key, out var value) || value is null)
        {
            return false;
        }

        return value switch
        {
            bool flag => flag,
            string text when bool.TryParse(text, out var parsed) => parsed,
            JsonElement { ValueKind: JsonValueKind.True } => true,
            JsonElement { ValueKind: JsonValueKind.False } => false,
            _ => throw new ArgumentException($"AdditionalProperties[\"{key}\"] must be a boolean, not {value}.", nameof(options)),
        };
    }
}
