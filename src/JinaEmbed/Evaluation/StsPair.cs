// One STS Benchmark pair (docs/models.md): two sentences and the gold similarity 0–5.
namespace JinaEmbed.Evaluation;

/// <summary>A sentence pair with its gold score.</summary>
public sealed record StsPair(string First, string Second, double Score);
