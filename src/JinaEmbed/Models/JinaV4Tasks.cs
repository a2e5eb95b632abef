// The five API tasks of jina-embeddings-v4 (spec §9): each picks one of the three adapters and a text prefix.
using JinaEmbed.Embedding;

namespace JinaEmbed.Models;

/// <summary>jina-embeddings-v4's task table: API task → adapter (config task_names) and text prefix.</summary>
public static class JinaV4Tasks
{
    /// <summary>The task a request without one gets (spec §9, api.md).</summary>
    public const string DefaultTaskName = "text-matching";

    /// <summary>Prefix of queries (and of both sides of text-matching).</summary>
    public const string QueryPrefix = "Query: ";

    /// <summary>Prefix of passages.</summary>
    public const string PassagePrefix = "Passage: ";

    // API task, adapter name, prefix. text-matching is symmetric and uses the query prefix on both sides.
    private static readonly (string Task, string Adapter, string Prefix)[] Table =
    [
        ("retrieval.query", "retrieval", QueryPrefix),
        ("retrieval.passage", "retrieval", PassagePrefix),
        ("text-matching", "text-matching", QueryPrefix),
        ("code.query", "code", QueryPrefix),
        ("code.passage", "code", PassagePrefix),
    ];

    /// <summary>The API tasks whose adapter is among <paramref name="adapterNames"/>, with the adapter's index.</summary>
    public static IReadOnlyList<EmbeddingTask> For(IReadOnlyList<string> adapterNames)
    {
        ArgumentNullException.ThrowIfNull(adapterNames);
        var tasks = new List<EmbeddingTask>();
        foreach (var (task, adapter, prefix) in Table)
        {
            int index = IndexOf(adapterNames, adapter);
            if (index >= 0)
            {
                tasks.Add(new EmbeddingTask(task, index, prefix));
            }
        }

        if (tasks.Count == 0)
        {
            throw new Checkpoints.CheckpointException($"config.json task_names [{string.Join(", ", adapterNames)}] names none of the jina-embeddings-v4 adapters (retrieval, text-matching, code).");
        }

        return tasks;
    }

    private static int IndexOf(IReadOnlyList<string> names, string name)
    {
        for (int i = 0; i < names.Count; i++)
        {
            if (names[i] == name)
            {
                return i;
            }
        }

        return -1;
    }
}
