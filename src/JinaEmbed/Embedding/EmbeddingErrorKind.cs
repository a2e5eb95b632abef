namespace JinaEmbed.Embedding;

/// <summary>Why an embedding call was refused; hosts map each kind to their own status codes.</summary>
public enum EmbeddingErrorKind
{
    /// <summary>The input is malformed (empty list, bad token id, invalid text).</summary>
    InvalidInput,
    /// <summary>The task name is not one of the model's tasks.</summary>
    InvalidTask,
    /// <summary>Dimensions out of range.</summary>
    InvalidDimensions,
    /// <summary>An item is longer than the model's maximum and truncation is off.</summary>
    ContextLengthExceeded,
    /// <summary>The request exceeds a configured size limit (items, tokens).</summary>
    TooLarge,
    /// <summary>The queue is full; retry later.</summary>
    QueueFull,
    /// <summary>The embedder is shutting down or not ready.</summary>
    Unavailable,
    /// <summary>An image cannot be decoded (unknown or corrupt format, bad base64), or its aspect ratio is above 200.</summary>
    InvalidImage,
    /// <summary>An image's decoded size is above the pixel limit.</summary>
    ImageTooLarge,
    /// <summary>An image item sent to a model without a vision tower.</summary>
    UnsupportedModality,
}
