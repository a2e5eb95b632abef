// Body of GET /health and GET /ready.
using System.Text.Json.Serialization;

namespace JinaEmbed.Server.Contracts;

/// <summary><c>{"status": "ok" | "ready" | "loading" | "shutting_down" | "failed"}</c>.</summary>
internal sealed record StatusApiResponse([property: JsonPropertyName("status")] string Status);
