// Plausible implementation mistakes of spec §11.4 that tests switch on to prove the parity tests would catch them.
namespace JinaEmbed.Models;

/// <summary>Test-only deviations of the jina-embeddings-v4 forward pass.</summary>
[Flags]
internal enum JinaV4Mutation
{
    /// <summary>The forward pass as specified.</summary>
    None = 0,

    /// <summary>Bidirectional instead of causal attention in the language model.</summary>
    BidirectionalAttention = 1,

    /// <summary>LoRA scale 1 instead of lora_alpha / r.</summary>
    LoraScaleOne = 2,

    /// <summary>Hidden states taken before the final RMSNorm.</summary>
    NoFinalNorm = 4,

    /// <summary>Vision: patches left in merge-block raster order instead of the window order.</summary>
    NoWindowOrder = 8,

    /// <summary>Vision: the window order not undone after the merger.</summary>
    WindowOrderKept = 16,

    /// <summary>Vision: every block attends over the whole image.</summary>
    AllFullAttention = 32,

    /// <summary>Image sequences run with 1-D positions instead of the 3-D M-RoPE rule.</summary>
    OneDimensionalImagePositions = 64,
}
