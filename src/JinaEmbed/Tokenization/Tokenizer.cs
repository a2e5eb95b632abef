// A Hugging Face tokenizer.json pipeline: added tokens → normalizer → pre-tokenizer → model → post-processor.
// Spec: ../shared/spec/jina-embeddings-v3.md §2. (Contract stub: issue #2 implements it.)
namespace JinaEmbed.Tokenization;

/// <summary>Thread-safe text → token ids + offsets, built from a tokenizer.json file.</summary>
public sealed partial class Tokenizer
{
    /// <summary>Loads a tokenizer.json file.</summary>
    /// <exception cref="TokenizerLoadException">The file is malformed or declares an unsupported component.</exception>
    public static Tokenizer FromFile(string path) => throw new NotImplementedException("issue #2");

    /// <summary>Loads tokenizer.json content from a string.</summary>
    public static Tokenizer FromJson(string json) => throw new NotImplementedException("issue #2");

    /// <summary>Encodes one text; offsets are UTF-16 [start, end) into <paramref name="text"/>, specials get (0, 0).</summary>
    public TokenizerEncoding Encode(string text, bool addSpecialTokens = true) => throw new NotImplementedException("issue #2");

    /// <summary>Vocabulary size including added tokens.</summary>
    public int VocabularySize => throw new NotImplementedException("issue #2");

    /// <summary>Id of a token string, or null.</summary>
    public int? TokenToId(string token) => throw new NotImplementedException("issue #2");

    /// <summary>Token string of an id, or null.</summary>
    public string? IdToToken(int id) => throw new NotImplementedException("issue #2");

    /// <summary>Decodes ids back to text.</summary>
    public string Decode(IReadOnlyList<int> ids, bool skipSpecialTokens = true) => throw new NotImplementedException("issue #2");
}
