// Maps JinaTask to and from the task names used by config.json, the HTTP API and EmbedOptions.Task (v3 spec §4.4, v4 §9).
namespace JinaEmbed.Integration;

/// <summary>Conversions between <see cref="JinaTask"/> and task names.</summary>
public static class JinaTaskExtensions
{
    /// <summary>The task's name as the model and the API spell it (<c>retrieval.query</c>, …, <c>none</c>).</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is not a defined task.</exception>
    public static string ToTaskName(this JinaTask task) => task switch
    {
        JinaTask.None => "none",
        JinaTask.RetrievalQuery => "retrieval.query",
        JinaTask.RetrievalPassage => "retrieval.passage",
        JinaTask.Separation => "separation",
        JinaTask.Classification => "classification",
        JinaTask.TextMatching => "text-matching",
        JinaTask.CodeQuery => "code.query",
        JinaTask.CodePassage => "code.passage",
        _ => throw new ArgumentOutOfRangeException(nameof(task), task, "Not a jina-embeddings task."),
    };

    /// <summary>Parses a task name (case-insensitive); also accepts the enum member names.</summary>
    public static bool TryParseTaskName(string? name, out JinaTask task)
    {
        foreach (var candidate in Enum.GetValues<JinaTask>())
        {
            if (string.Equals(name, candidate.ToTaskName(), StringComparison.OrdinalIgnoreCase)
                || string.Equals(name, candidate.ToString(), StringComparison.OrdinalIgnoreCase))
            {
                task = candidate;
                return true;
            }
        }

        task = default;
        return false;
    }
}
