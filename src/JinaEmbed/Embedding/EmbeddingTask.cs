// A task name resolved against the model (spec §4.4, §5): adapter index in lora_adaptations and its prompt; none = base.
using JinaEmbed.Checkpoints;

namespace JinaEmbed.Embedding;

/// <summary>A resolved task: <see cref="Adapter"/> −1 and an empty prompt mean the base model without LoRA.</summary>
public sealed record EmbeddingTask(string? Name, int Adapter, string Prompt)
{
    /// <summary>The base model: no adapter, no prompt.</summary>
    public static EmbeddingTask None { get; } = new(null, -1, "");

    /// <summary>Resolves a task name; null or <c>"none"</c> is the base model.</summary>
    /// <exception cref="EmbeddingException">The name is not one of the model's tasks (InvalidTask).</exception>
    public static EmbeddingTask Resolve(JinaV3Config config, string? name)
    {
        ArgumentNullException.ThrowIfNull(config);
        if (name is null || name == "none")
        {
            return None;
        }

        for (int i = 0; i < config.LoraAdaptations.Count; i++)
        {
            if (config.LoraAdaptations[i] == name)
            {
                return new EmbeddingTask(name, i, config.TaskInstructions.TryGetValue(name, out var prompt) ? prompt : "");
            }
        }

        string known = config.LoraAdaptations.Count == 0 ? "this model has no tasks" : "valid tasks are " + string.Join(", ", config.LoraAdaptations) + " and none";
        throw new EmbeddingException(EmbeddingErrorKind.InvalidTask, $"Unknown task '{name}'; {known}.", "task");
    }

    /// <summary>
    /// Resolves a task name against a model's task list; null is <paramref name="fallback"/> (the model's default,
    /// else the base model) and <c>"none"</c> is the base model where <paramref name="allowBaseModel"/>, else unknown.
    /// </summary>
    /// <exception cref="EmbeddingException">The name is not one of the tasks (InvalidTask).</exception>
    public static EmbeddingTask Resolve(IReadOnlyList<EmbeddingTask> tasks, string? name, EmbeddingTask? fallback = null, bool allowBaseModel = true)
    {
        ArgumentNullException.ThrowIfNull(tasks);
        if (name is null)
        {
            return fallback ?? None;
        }

        if (name == "none" && allowBaseModel)
        {
            return None;
        }

        foreach (var task in tasks)
        {
            if (task.Name == name)
            {
                return task;
            }
        }

        string known = tasks.Count == 0
            ? "this model has no tasks (no adapters or prompts); omit task or use none"
            : allowBaseModel
                ? "valid tasks are " + string.Join(", ", tasks.Select(t => t.Name)) + " and none"
                : "valid tasks are " + string.Join(", ", tasks.Select(t => t.Name)) + " (this model has no base-model mode)";
        throw new EmbeddingException(EmbeddingErrorKind.InvalidTask, $"Unknown task '{name}'; {known}.", "task");
    }
}
