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
}
