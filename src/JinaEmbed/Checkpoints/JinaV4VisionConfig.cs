// vision_config of a jina-embeddings-v4 checkpoint (spec §3.2): the Qwen2.5-VL vision tower's sizes and windows.
namespace JinaEmbed.Checkpoints;

/// <summary>Sizes of the vision tower (patch embedding, blocks, windows, merger).</summary>
public sealed class JinaV4VisionConfig
{
    /// <summary>Blocks (32).</summary>
    public int Depth { get; init; } = 32;

    /// <summary>Block width (1280).</summary>
    public int HiddenSize { get; init; } = 1280;

    /// <summary>Attention heads (16 of 80).</summary>
    public int NumHeads { get; init; } = 16;

    /// <summary>SwiGLU width (3420).</summary>
    public int IntermediateSize { get; init; } = 3420;

    /// <summary>Patch side in pixels (14).</summary>
    public int PatchSize { get; init; } = 14;

    /// <summary>Frames per patch (2; a still image is repeated).</summary>
    public int TemporalPatchSize { get; init; } = 2;

    /// <summary>Patches merged per side (2).</summary>
    public int SpatialMergeSize { get; init; } = 2;

    /// <summary>Colour channels (3).</summary>
    public int InChannels { get; init; } = 3;

    /// <summary>Attention window side in pixels (112).</summary>
    public int WindowSize { get; init; } = 112;

    /// <summary>Blocks with full attention over the image ([7, 15, 23, 31]).</summary>
    public IReadOnlyList<int> FullAttentionBlockIndexes { get; init; } = [7, 15, 23, 31];

    /// <summary>Width of a merged token (2048 = the LM hidden width).</summary>
    public int OutHiddenSize { get; init; } = 2048;

    /// <summary>Width of one flattened patch (channels × frames × patch²: 1176).</summary>
    public int PatchInputSize => InChannels * TemporalPatchSize * PatchSize * PatchSize;

    /// <summary>Width of one attention head.</summary>
    public int HeadDimension => HiddenSize / NumHeads;

    internal static JinaV4VisionConfig Read(ConfigReader? reader, string source)
    {
        if (reader is not { } v)
        {
            throw new CheckpointException($"Config {source}: vision_config is missing.");
        }

        string act = v.String("hidden_act") ?? "silu";
        if (act != "silu")
        {
            throw new CheckpointException($"Config {source}: vision_config.hidden_act '{act}' is not supported (expected 'silu').");
        }

        var config = new JinaV4VisionConfig
        {
            Depth = v.Int("depth", 32),
            HiddenSize = v.Int("hidden_size", 1280),
            NumHeads = v.Int("num_heads", 16),
            IntermediateSize = v.Int("intermediate_size", 3420),
            PatchSize = v.Int("patch_size", 14),
            TemporalPatchSize = v.Int("temporal_patch_size", 2),
            SpatialMergeSize = v.Int("spatial_merge_size", 2),
            InChannels = v.Int("in_channels", v.Int("in_chans", 3)),
            WindowSize = v.Int("window_size", 112),
            FullAttentionBlockIndexes = v.Has("fullatt_block_indexes") ? v.IntList("fullatt_block_indexes") : [7, 15, 23, 31],
            OutHiddenSize = v.Int("out_hidden_size", 2048),
        };
        if (config.Depth <= 0 || config.HiddenSize <= 0 || config.NumHeads <= 0 || config.IntermediateSize <= 0 || config.PatchSize <= 0
            || config.TemporalPatchSize <= 0 || config.SpatialMergeSize <= 0 || config.InChannels <= 0 || config.OutHiddenSize <= 0)
        {
            throw new CheckpointException($"Config {source}: vision_config sizes must be positive.");
        }

        if (config.HiddenSize % config.NumHeads != 0 || config.HeadDimension % 2 != 0)
        {
            throw new CheckpointException($"Config {source}: vision_config.hidden_size {config.HiddenSize} must split into an even head width over {config.NumHeads} heads.");
        }

        return config;
    }
}
