// Source-generated System.Text.Json metadata for every wire type (no reflection at run time).
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace JinaEmbed.Server.Contracts;

/// <summary>Serializer context of the server's contracts.</summary>
[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
[JsonSerializable(typeof(EmbeddingsApiRequest))]
[JsonSerializable(typeof(EmbeddingsApiResponse))]
[JsonSerializable(typeof(ErrorApiResponse))]
[JsonSerializable(typeof(ModelsApiResponse))]
[JsonSerializable(typeof(ModelApiEntry))]
[JsonSerializable(typeof(TokenizeApiRequest))]
[JsonSerializable(typeof(TokenizeApiResponse))]
[JsonSerializable(typeof(InfoApiResponse))]
[JsonSerializable(typeof(StatusApiResponse))]
internal sealed partial class ServerJsonContext : JsonSerializerContext
{
    /// <summary>
    /// For response bodies: quotes, apostrophes and &lt;/&gt; are written as themselves, not as <c>\u0022</c> and the
    /// like, so curl users read the messages as written. Safe because the bodies are served as application/json,
    /// never embedded in HTML.
    /// </summary>
    public static ServerJsonContext Responses { get; } = new(new JsonSerializerOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
}
