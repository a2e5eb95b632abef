// The weights of one jina-embeddings-v4 decoder layer (spec §3.4, §4.2), tensor names under model.layers.{i}.
namespace JinaEmbed.Models;

/// <summary>One pre-RMSNorm decoder layer: q/k/v (with bias), o, gate/up/down (no bias), each with its task LoRA.</summary>
internal sealed class JinaV4Layer
{
    /// <summary>input_layernorm, [D].</summary>
    public required float[] InputNorm { get; init; }

    /// <summary>q_proj [D, D] + bias.</summary>
    public required LoraLinear QueryProjection { get; init; }

    /// <summary>k_proj [kv·hd, D] + bias.</summary>
    public required LoraLinear KeyProjection { get; init; }

    /// <summary>v_proj [kv·hd, D] + bias.</summary>
    public required LoraLinear ValueProjection { get; init; }

    /// <summary>o_proj [D, D].</summary>
    public required LoraLinear OutputProjection { get; init; }

    /// <summary>post_attention_layernorm, [D].</summary>
    public required float[] PostAttentionNorm { get; init; }

    /// <summary>mlp.gate_proj [F, D].</summary>
    public required LoraLinear GateProjection { get; init; }

    /// <summary>mlp.up_proj [F, D].</summary>
    public required LoraLinear UpProjection { get; init; }

    /// <summary>mlp.down_proj [D, F].</summary>
    public required LoraLinear DownProjection { get; init; }
}
