// preprocessor_config.json (spec §3.3).
using System.Text.Json;

namespace JinaEmbed.Images;

/// <summary>The image processor's settings.</summary>
public sealed class ImagePreprocessorConfig
{
    /// <summary>Jina's min_pixels, used when the file names no lower bound.</summary>
    public const long DefaultMinPixels = 3136;

    /// <summary>Jina's max_pixels, used when the file names no upper bound.</summary>
    public const long DefaultMaxPixels = 602112;

    private static readonly float[] ClipMean = [0.48145466f, 0.4578275f, 0.40821073f];
    private static readonly float[] ClipStd = [0.26862954f, 0.26130258f, 0.27577711f];

    /// <summary>Lower bound on resized height × width (3136).</summary>
    public long MinPixels { get; init; } = DefaultMinPixels;

    /// <summary>Upper bound on resized height × width (602112).</summary>
    public long MaxPixels { get; init; } = DefaultMaxPixels;

    /// <summary>Patch side (14).</summary>
    public int PatchSize { get; init; } = 14;

    /// <summary>Patches merged per side (2).</summary>
    public int MergeSize { get; init; } = 2;

    /// <summary>Frames per patch (2).</summary>
    public int TemporalPatchSize { get; init; } = 2;

    /// <summary>Per-channel mean (R, G, B) on the 0…1 scale (CLIP's values), as float32 like the processor's tensor.</summary>
    public IReadOnlyList<float> ImageMean { get; init; } = ClipMean;

    /// <summary>Per-channel standard deviation (R, G, B) on the 0…1 scale (CLIP's values).</summary>
    public IReadOnlyList<float> ImageStd { get; init; } = ClipStd;

    /// <summary>Rescale factor (1/255).</summary>
    public double RescaleFactor { get; init; } = 1.0 / 255.0;

    /// <summary>Why defaults were used (e.g. no pixel bounds in the file), or null; the host should log it.</summary>
    public string? Warning { get; init; }

    /// <summary>Jina's values.</summary>
    public static ImagePreprocessorConfig Default { get; } = new();

    /// <summary>Side of one merged token in pixels: patch × merge (28).</summary>
    public int Factor => PatchSize * MergeSize;

    /// <summary>Values per patch row: 3 channels × temporal frames × patch² (1176).</summary>
    public int PatchInputSize => 3 * TemporalPatchSize * PatchSize * PatchSize;

    /// <summary>Reads preprocessor_config.json.</summary>
    /// <exception cref="InvalidDataException">Malformed JSON or a value out of range (the message names the key).</exception>
    public static ImagePreprocessorConfig Load(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        try
        {
            using var doc = JsonDocument.Parse(File.ReadAllBytes(path));
            return FromJson(doc.RootElement, path);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path}: not valid JSON ({e.Message}).", e);
        }
    }

    /// <summary>Reads the settings from preprocessor_config.json's text.</summary>
    /// <exception cref="InvalidDataException">Malformed JSON or a value out of range.</exception>
    public static ImagePreprocessorConfig Parse(string json, string source = "preprocessor_config.json")
    {
        ArgumentNullException.ThrowIfNull(json);
        try
        {
            using var doc = JsonDocument.Parse(json);
            return FromJson(doc.RootElement, source);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{source}: not valid JSON ({e.Message}).", e);
        }
    }

    private static ImagePreprocessorConfig FromJson(JsonElement root, string source)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new InvalidDataException($"{source}: expected a JSON object.");
        }

        JsonElement? size = root.TryGetProperty("size", out var s) && s.ValueKind == JsonValueKind.Object ? s : null;
        var min = (size is { } sz ? Long(sz, "shortest_edge", source, "size.") : null) ?? Long(root, "min_pixels", source);
        var max = (size is { } sz2 ? Long(sz2, "longest_edge", source, "size.") : null) ?? Long(root, "max_pixels", source);
        var missing = new List<string>();
        if (min is null)
        {
            missing.Add($"min_pixels (using {DefaultMinPixels})");
        }

        if (max is null)
        {
            missing.Add($"max_pixels (using {DefaultMaxPixels})");
        }

        var config = new ImagePreprocessorConfig
        {
            MinPixels = min ?? DefaultMinPixels,
            MaxPixels = max ?? DefaultMaxPixels,
            PatchSize = Int(root, "patch_size", source) ?? 14,
            MergeSize = Int(root, "merge_size", source) ?? 2,
            TemporalPatchSize = Int(root, "temporal_patch_size", source) ?? 2,
            ImageMean = Triple(root, "image_mean", source) ?? ClipMean,
            ImageStd = Triple(root, "image_std", source) ?? ClipStd,
            RescaleFactor = Double(root, "rescale_factor", source) ?? 1.0 / 255.0,
            Warning = missing.Count == 0
                ? null
                : $"{source} names no {string.Join(" and no ", missing)}: size.shortest_edge/longest_edge and min_pixels/max_pixels are absent.",
        };

        foreach (var flag in new[] { "do_resize", "do_rescale", "do_normalize", "do_convert_rgb" })
        {
            if (root.TryGetProperty(flag, out var f) && f.ValueKind == JsonValueKind.False)
            {
                throw new InvalidDataException($"{source}: {flag} is false; only the processor with resize, rescale, normalise and RGB conversion on is supported.");
            }
        }

        if (root.TryGetProperty("resample", out var r) && (r.ValueKind != JsonValueKind.Number || !r.TryGetInt32(out var rv) || rv != 3))
        {
            throw new InvalidDataException($"{source}: resample is {r.GetRawText()}; only 3 (bicubic) is supported.");
        }

        config.Validate(source);
        return config;
    }

    /// <summary>Checks the values; throws <see cref="InvalidDataException"/> naming the first bad one.</summary>
    public void Validate(string source = "image processor settings")
    {
        if (PatchSize is < 1 or > 1024)
        {
            throw new InvalidDataException($"{source}: patch_size must be 1…1024, got {PatchSize}.");
        }

        if (MergeSize is < 1 or > 16)
        {
            throw new InvalidDataException($"{source}: merge_size must be 1…16, got {MergeSize}.");
        }

        if (TemporalPatchSize is < 1 or > 16)
        {
            throw new InvalidDataException($"{source}: temporal_patch_size must be 1…16, got {TemporalPatchSize}.");
        }

        var tokenArea = (long)Factor * Factor;
        if (MinPixels < 1)
        {
            throw new InvalidDataException($"{source}: min_pixels must be positive, got {MinPixels}.");
        }

        if (MaxPixels < tokenArea || MaxPixels > 1L << 40)
        {
            throw new InvalidDataException($"{source}: max_pixels must be at least {tokenArea} (one merged token), got {MaxPixels}.");
        }

        if (MinPixels > MaxPixels)
        {
            throw new InvalidDataException($"{source}: min_pixels {MinPixels} is above max_pixels {MaxPixels}.");
        }

        if (ImageMean.Count != 3 || ImageStd.Count != 3)
        {
            throw new InvalidDataException($"{source}: image_mean and image_std must have 3 values (R, G, B).");
        }

        for (var c = 0; c < 3; c++)
        {
            if (!float.IsFinite(ImageMean[c]))
            {
                throw new InvalidDataException($"{source}: image_mean[{c}] is not finite.");
            }

            if (!float.IsFinite(ImageStd[c]) || ImageStd[c] <= 0)
            {
                throw new InvalidDataException($"{source}: image_std[{c}] must be positive, got {ImageStd[c]}.");
            }
        }

        if (!double.IsFinite(RescaleFactor) || RescaleFactor <= 0)
        {
            throw new InvalidDataException($"{source}: rescale_factor must be positive, got {RescaleFactor}.");
        }
    }

    private static long? Long(JsonElement obj, string key, string source, string prefix = "")
    {
        if (!obj.TryGetProperty(key, out var v) || v.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (v.ValueKind == JsonValueKind.Number)
        {
            if (v.TryGetInt64(out var l))
            {
                return l;
            }

            if (v.TryGetDouble(out var d) && d == Math.Floor(d) && Math.Abs(d) < 1e15)
            {
                return (long)d;
            }
        }

        throw new InvalidDataException($"{source}: {prefix}{key} must be an integer, got {v.GetRawText()}.");
    }

    private static int? Int(JsonElement obj, string key, string source)
    {
        var v = Long(obj, key, source);
        if (v is null)
        {
            return null;
        }

        if (v is < int.MinValue or > int.MaxValue)
        {
            throw new InvalidDataException($"{source}: {key} is out of range: {v}.");
        }

        return (int)v.Value;
    }

    private static double? Double(JsonElement obj, string key, string source)
    {
        if (!obj.TryGetProperty(key, out var v) || v.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (v.ValueKind == JsonValueKind.Number && v.TryGetDouble(out var d))
        {
            return d;
        }

        throw new InvalidDataException($"{source}: {key} must be a number, got {v.GetRawText()}.");
    }

    private static float[]? Triple(JsonElement obj, string key, string source)
    {
        if (!obj.TryGetProperty(key, out var v) || v.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (v.ValueKind == JsonValueKind.Array && v.GetArrayLength() == 3)
        {
            var result = new float[3];
            var i = 0;
            foreach (var e in v.EnumerateArray())
            {
                if (e.ValueKind != JsonValueKind.Number || !e.TryGetDouble(out var d))
                {
                    break;
                }

                result[i++] = (float)d;
            }

            if (i == 3)
            {
                return result;
            }
        }

        throw new InvalidDataException($"{source}: {key} must be a list of 3 numbers, got {v.GetRawText()}.");
    }
}
