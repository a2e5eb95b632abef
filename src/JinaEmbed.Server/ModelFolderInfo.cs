// What /info and task validation need from a model folder's config.json (model spec §1.3, §4.4, §5).
using System.Text.Json;

namespace JinaEmbed.Server;

/// <summary>Name, revision, weight type and tasks (adapter order, with prompts) of a model folder.</summary>
internal sealed record ModelFolderInfo(string Name, string? Revision, string WeightType, IReadOnlyList<ModelTask> Tasks)
{
    /// <summary>Reads <c>config.json</c>; a model without <c>lora_adaptations</c> has no tasks.</summary>
    public static ModelFolderInfo Read(string modelDirectory)
    {
        var full = Path.GetFullPath(modelDirectory);
        using var config = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(full, "config.json")));
        var root = config.RootElement;
        var tasks = new List<ModelTask>();
        if (root.TryGetProperty("lora_adaptations", out var adaptations) && adaptations.ValueKind == JsonValueKind.Array)
        {
            root.TryGetProperty("task_instructions", out var prompts);
            foreach (var adaptation in adaptations.EnumerateArray())
            {
                var taskName = adaptation.GetString() ?? throw new InvalidDataException("lora_adaptations must hold strings");
                string prompt = prompts.ValueKind == JsonValueKind.Object && prompts.TryGetProperty(taskName, out var p) && p.ValueKind == JsonValueKind.String
                    ? p.GetString()!
                    : string.Empty;
                tasks.Add(new ModelTask(taskName, tasks.Count, prompt));
            }
        }

        string weightType = root.TryGetProperty("torch_dtype", out var dtype) && dtype.ValueKind == JsonValueKind.String ? dtype.GetString()! : "float32";

        // A Hugging Face cache snapshot folder is named after its commit: report it as the revision.
        var folder = new DirectoryInfo(full);
        string? revision = null;
        string name = folder.Name;
        if (folder.Parent is { Name: "snapshots" } snapshots && snapshots.Parent is { } repo)
        {
            revision = folder.Name;
            name = repo.Name.StartsWith("models--", StringComparison.Ordinal) ? repo.Name["models--".Length..].Split("--")[^1] : repo.Name;
        }

        return new ModelFolderInfo(name, revision, weightType, tasks);
    }

    /// <summary>Task name (null = base model) → adapter and prompt, or <see cref="Embedding.EmbeddingException"/>.</summary>
    public (int Adapter, string Prompt) Resolve(string? task)
    {
        if (task == null)
        {
            return (-1, string.Empty);
        }

        var found = Tasks.FirstOrDefault(t => t.Name == task)
            ?? throw new Embedding.EmbeddingException(Embedding.EmbeddingErrorKind.InvalidTask, $"unknown task '{task}'", "task");
        return (found.Adapter, found.Prompt);
    }
}
