// Source-generated System.Text.Json metadata for every wire type (no reflection at run time).
using System.Text.Json.Serialization;

namespace JinaEmbed.Server.Contracts;

/// <summary>Serializer context of the server's contracts.</summary>
[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
[JsonSerializable(typeof(EmbeddingsApiRequest))]
[JsonSerializable(typeof(EmbeddingsApiResponse))]
[JsonSerializable(typeof(ErrorApiResponse))]
[JsonSerializable(typeof(ModelsApiResponse))]
[JsonSerializable(typeof(TokenizeApiRequest))]
[JsonSerializable(typeof(TokenizeApiResponse))]
[JsonSerializable(typeof(InfoApiResponse))]
[JsonSerializable(typeof(StatusApiResponse))]
internal sealed partial class ServerJsonContext : JsonSerializerContext
{
}
