// One preprocessed image as the vision tower takes it (spec §7.5): pixel_values in 2×2-merge-block patch order and its grid.
namespace JinaEmbed.Images;

/// <summary>
/// An image cut into patches: <see cref="PixelValues"/> [PatchCount, PatchInputSize] row-major, rows in merge-block
/// order (the four patches of one merged token are consecutive), features ordered (channel, frame, y, x).
/// </summary>
public sealed class ImagePatches
{
    private readonly object _gate = new();
    private float[]? _pixelValues;
    private RgbImage? _resized;
    private Func<RgbImage, float[]>? _patchify;

    /// <summary>Wraps patch rows; <paramref name="gridHeight"/> × <paramref name="gridWidth"/> patches, both even.</summary>
    public ImagePatches(float[] pixelValues, int gridHeight, int gridWidth, int patchInputSize)
    {
        ArgumentNullException.ThrowIfNull(pixelValues);
        if (gridHeight <= 0 || gridWidth <= 0 || gridHeight % 2 != 0 || gridWidth % 2 != 0)
        {
            throw new ArgumentException($"The patch grid must be positive and even on both sides, got {gridHeight}×{gridWidth}.");
        }

        if (patchInputSize <= 0 || pixelValues.Length != (long)gridHeight * gridWidth * patchInputSize)
        {
            throw new ArgumentException($"pixelValues must hold {gridHeight}×{gridWidth} patches of {patchInputSize} values.", nameof(pixelValues));
        }

        _pixelValues = pixelValues;
        GridHeight = gridHeight;
        GridWidth = gridWidth;
        PatchInputSize = patchInputSize;
    }

    // Deferred: the resized image, patchified on first read of PixelValues (then dropped).
    internal ImagePatches(RgbImage resized, int gridHeight, int gridWidth, int patchInputSize, Func<RgbImage, float[]> patchify)
    {
        _resized = resized;
        _patchify = patchify;
        GridHeight = gridHeight;
        GridWidth = gridWidth;
        PatchInputSize = patchInputSize;
    }

    /// <summary>Normalised patch rows, [PatchCount, PatchInputSize] (computed on first read for deferred patches).</summary>
    public float[] PixelValues
    {
        get
        {
            if (Volatile.Read(ref _pixelValues) is { } values)
            {
                return values;
            }

            lock (_gate)
            {
                if (_pixelValues is null)
                {
                    _pixelValues = _patchify!(_resized!);
                    (_resized, _patchify) = (null, null);
                }

                return _pixelValues;
            }
        }
    }

    /// <summary>Patch rows of the image (gh = resized height / 14).</summary>
    public int GridHeight { get; }

    /// <summary>Patch columns of the image (gw = resized width / 14).</summary>
    public int GridWidth { get; }

    /// <summary>Values per patch (channels × temporal frames × patch²: 1176).</summary>
    public int PatchInputSize { get; }

    /// <summary>Number of patches, gh·gw.</summary>
    public int PatchCount => GridHeight * GridWidth;

    /// <summary>Merged tokens the image becomes in the language model (2×2 patches each): gh·gw / 4.</summary>
    public int ImageTokens => PatchCount / 4;
}
