// What a vision-language model needs around an image item (spec §7.6, §8.1): its preprocessing, the fixed prompt the
// image is embedded in, and the ids that delimit the image's placeholder rows and its single-vector span.
using JinaEmbed.Images;

namespace JinaEmbed.Models;

/// <summary>Image support of a loaded model: preprocessing and prompt.</summary>
public sealed record ImageInput
{
    /// <summary>Decoded RGB → patches (smart_resize, resize, normalise, patchify).</summary>
    public required ImagePreprocessor Preprocessor { get; init; }

    /// <summary>The text every image is embedded in, with one <see cref="ImageTokenId"/> placeholder (expanded to n copies).</summary>
    public required string Prompt { get; init; }

    /// <summary>The placeholder token whose rows take the vision tower's merged tokens (<c>&lt;|image_pad|&gt;</c>).</summary>
    public required int ImageTokenId { get; init; }

    /// <summary>First token of the single-vector span (<c>&lt;|vision_start|&gt;</c>).</summary>
    public required int SpanStartTokenId { get; init; }

    /// <summary>Last token of the single-vector span, inclusive (<c>&lt;|vision_end|&gt;</c>).</summary>
    public required int SpanEndTokenId { get; init; }

    /// <summary>
    /// The prompt's ids with the placeholder repeated <paramref name="imageTokens"/> times, and the single-vector span
    /// [start, end) from <see cref="SpanStartTokenId"/> through <see cref="SpanEndTokenId"/>.
    /// </summary>
    /// <exception cref="InvalidOperationException">The tokenized prompt does not hold exactly one placeholder inside the span tokens.</exception>
    public (int[] Ids, int SpanStart, int SpanEnd) Expand(int[] promptIds, int imageTokens)
    {
        ArgumentNullException.ThrowIfNull(promptIds);
        int at = Array.IndexOf(promptIds, ImageTokenId);
        if (at < 0 || Array.LastIndexOf(promptIds, ImageTokenId) != at)
        {
            throw new InvalidOperationException($"The image prompt must tokenize to exactly one image placeholder ({ImageTokenId}).");
        }

        int[] ids = [.. promptIds[..at], .. Enumerable.Repeat(ImageTokenId, imageTokens), .. promptIds[(at + 1)..]];
        int start = Array.LastIndexOf(ids, SpanStartTokenId, at), end = Array.IndexOf(ids, SpanEndTokenId, at + imageTokens);
        if (start < 0 || end < 0)
        {
            throw new InvalidOperationException($"The image prompt must enclose the placeholder in {SpanStartTokenId} … {SpanEndTokenId}.");
        }

        return (ids, start, end + 1);
    }
}
