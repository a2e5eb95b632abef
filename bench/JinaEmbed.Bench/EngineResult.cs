// What one engine measured in its own process (issue #4 benchmark).
namespace JinaEmbed.Bench;

/// <summary>Measurements of one engine; times in seconds, memory in bytes.</summary>
internal sealed class EngineResult
{
    public string Engine { get; set; } = "";

    public double LoadSeconds { get; set; }

    public long ResidentAfterLoadBytes { get; set; }

    public long ResidentWeightBytes { get; set; }

    /// <summary>RSS after one short warm-up call (ONNX Runtime maps its weights lazily).</summary>
    public long ResidentAfterWarmupBytes { get; set; }

    /// <summary>Tokens/s for one sequence of the key's length (median of several calls).</summary>
    public Dictionary<string, double> SingleSequenceTokensPerSecond { get; set; } = [];

    /// <summary>Tokens/s for a batch of ~TokensPerBatch tokens of sequences of the key's length.</summary>
    public Dictionary<string, double> BatchTokensPerSecond { get; set; } = [];

    public double Query32P50Ms { get; set; }

    public double Query32P99Ms { get; set; }

    public double? Document8192Seconds { get; set; }

    public long? Document8192PeakResidentBytes { get; set; }

    public long PeakResidentBytes { get; set; }
}
