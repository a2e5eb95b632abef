// STUB (owned by the images helper): smart_resize, uint8 bicubic antialias resize, normalise, patchify (spec §7.2–§7.5).
namespace JinaEmbed.Images;

/// <summary>Turns decoded RGB into the vision tower's patches exactly as Jina's fast processor.</summary>
public sealed class ImagePreprocessor
{
    /// <summary>Creates a preprocessor.</summary>
    public ImagePreprocessor(ImagePreprocessorConfig config) => Config = config ?? throw new ArgumentNullException(nameof(config));

    /// <summary>The settings.</summary>
    public ImagePreprocessorConfig Config { get; }

    /// <summary>Resize, normalise and patchify.</summary>
    /// <exception cref="ImageException">Aspect ratio above 200.</exception>
    public ImagePatches Preprocess(RgbImage image) => throw new NotImplementedException();
}
