// The error body every failure returns (api.md "Errors" and "Client compatibility"): OpenAI's shape, plus Jina's
// top-level detail.
using System.Text.Json.Serialization;

namespace JinaEmbed.Server.Contracts;

/// <summary>
/// <c>{"error": {...}, "detail": "..."}</c>: OpenAI-dialect clients read <c>error</c>, Jina-dialect clients (LangChain's
/// JinaEmbeddings, Chroma's Jina function) read <c>detail</c>, which repeats <c>error.message</c>.
/// </summary>
internal sealed record ErrorApiResponse(
    [property: JsonPropertyName("error")] ErrorApiBody Error,
    [property: JsonPropertyName("detail")] string Detail);
