// What the HTTP layer needs from a loaded model: its description, tokenization and the scheduled embed path.
using JinaEmbed.Embedding;
using JinaEmbed.Embedding.Scheduling;
using JinaEmbed.Tokenization;

namespace JinaEmbed.Server;

/// <summary>A served model. <see cref="EmbedderBackend"/> wraps the library's Embedder; tests add a toy one.</summary>
internal interface IEmbeddingBackend : IDisposable
{
    /// <summary>The model's own name (folder or hub repository name).</summary>
    string ModelName { get; }

    /// <summary>Checkpoint revision, when known.</summary>
    string? Revision { get; }

    /// <summary>Width of an embedding.</summary>
    int HiddenSize { get; }

    /// <summary>Most tokens one sequence may have, special tokens included.</summary>
    int MaxTokens { get; }

    /// <summary>Vocabulary size; token-id inputs must lie in [0, VocabularySize).</summary>
    int VocabularySize { get; }

    /// <summary>The tasks with their adapter index and prompt, in adapter order.</summary>
    IReadOnlyList<ModelTask> Tasks { get; }

    /// <summary>Storage type of the weights as loaded (for /info).</summary>
    string WeightType { get; }

    /// <summary>Compute threads of the inference loop.</summary>
    int Threads { get; }

    /// <summary>The scheduler behind <see cref="EmbedAsync"/> (metrics, shutdown).</summary>
    BatchScheduler Scheduler { get; }

    /// <summary>Embeds through the scheduler.</summary>
    Task<EmbeddingResult> EmbedAsync(EmbeddingRequest request, CancellationToken cancellationToken);

    /// <summary>Tokenizes one text as the model would see it without a prompt.</summary>
    TokenizerEncoding Tokenize(string text, bool addSpecialTokens);
}
