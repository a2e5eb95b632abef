// STUB (owned by the images helper): base64 and data: URIs (spec §7.7).
namespace JinaEmbed.Images;

/// <summary>Reads an image given as text: raw base64 or a <c>data:image/…;base64,</c> URI.</summary>
public static class ImageBase64
{
    /// <summary>Whether the text is a data: URI or base64 (not an http(s) URL or any other scheme).</summary>
    public static bool IsInline(string text) => throw new NotImplementedException();

    /// <summary>The encoded image bytes.</summary>
    /// <exception cref="ImageException">Malformed base64, a data URI that is not base64 or not image/*.</exception>
    public static byte[] Decode(string text) => throw new NotImplementedException();
}
