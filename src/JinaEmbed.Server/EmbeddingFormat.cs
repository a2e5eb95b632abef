// How one embedding is written on the wire (api.md embedding_type / encoding_format).
namespace JinaEmbed.Server;

/// <summary>Wire encodings of a vector.</summary>
internal enum EmbeddingFormat
{
    /// <summary>JSON array of numbers.</summary>
    Float,

    /// <summary>Standard base64 of the little-endian float32 bytes.</summary>
    Base64,

    /// <summary>One bit per dimension (1 where &gt; 0), MSB first, bytes as signed integers (byte − 128).</summary>
    Binary,

    /// <summary>As <see cref="Binary"/>, bytes as integers 0..255.</summary>
    Ubinary,
}
