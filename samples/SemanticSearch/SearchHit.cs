// One search result of the semantic search sample.
namespace JinaEmbed.Samples.SemanticSearch;

/// <summary>A passage that matched a query: its document, position, text and cosine similarity.</summary>
public sealed record SearchHit(string Document, int ChunkIndex, string Text, float Score);
