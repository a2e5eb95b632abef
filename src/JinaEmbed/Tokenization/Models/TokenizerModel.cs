// Base of the tokenizer.json models (spec §2.2 step 4).
namespace JinaEmbed.Tokenization.Models;

/// <summary>Turns one pre-token into vocabulary tokens. Immutable; thread-safe.</summary>
internal abstract class TokenizerModel
{
    /// <summary>Number of entries in the model's own vocabulary.</summary>
    public abstract int VocabularySize { get; }

    /// <summary>Tokenizes units [start, end) of <paramref name="text"/>, appending tokens with original offsets.</summary>
    public abstract void Tokenize(NormalizedText text, int start, int end, TokenBuffer output);

    public abstract int? TokenToId(string token);

    public abstract string? IdToToken(int id);
}
