// The weights of one post-LN encoder block (spec §1.5, §3.3), tensor names under roberta.encoder.layers.{i}.
namespace JinaEmbed.Models;

/// <summary>One encoder block: fused Wqkv, out_proj, norm1, fc1, fc2, norm2.</summary>
internal sealed class JinaV3Layer
{
    public required LoraLinear Wqkv { get; init; }

    public required LoraLinear OutProj { get; init; }

    public required float[] Norm1Weight { get; init; }

    public required float[] Norm1Bias { get; init; }

    public required LoraLinear Fc1 { get; init; }

    public required LoraLinear Fc2 { get; init; }

    public required float[] Norm2Weight { get; init; }

    public required float[] Norm2Bias { get; init; }
}
