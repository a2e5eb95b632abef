namespace JinaEmbed.Tokenization;

/// <summary>A tokenizer.json file could not be loaded; the message names the file and the component.</summary>
public sealed class TokenizerLoadException : Exception
{
    public TokenizerLoadException(string message)
        : base(message)
    {
    }

    public TokenizerLoadException(string message, Exception inner)
        : base(message, inner)
    {
    }
}
