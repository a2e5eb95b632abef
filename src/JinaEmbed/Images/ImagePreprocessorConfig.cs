// STUB (owned by the images helper): preprocessor_config.json (spec §3.3).
namespace JinaEmbed.Images;

/// <summary>The image processor's settings.</summary>
public sealed class ImagePreprocessorConfig
{
    /// <summary>Lower bound on resized height × width (3136).</summary>
    public long MinPixels { get; init; } = 3136;

    /// <summary>Upper bound on resized height × width (602112).</summary>
    public long MaxPixels { get; init; } = 602112;

    /// <summary>Patch side (14).</summary>
    public int PatchSize { get; init; } = 14;

    /// <summary>Patches merged per side (2).</summary>
    public int MergeSize { get; init; } = 2;

    /// <summary>Frames per patch (2).</summary>
    public int TemporalPatchSize { get; init; } = 2;

    /// <summary>Jina's values.</summary>
    public static ImagePreprocessorConfig Default { get; } = new();

    /// <summary>Reads preprocessor_config.json.</summary>
    public static ImagePreprocessorConfig Load(string path) => throw new NotImplementedException();
}
