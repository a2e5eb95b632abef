// Base64 and data: URIs (spec §7.7). The format is taken later from the bytes' signature, not from the media type.
using System.Buffers;
using System.Text;

namespace JinaEmbed.Images;

/// <summary>Reads an image given as text: raw base64 or a <c>data:image/…;base64,</c> URI.</summary>
public static class ImageBase64
{
    private static readonly SearchValues<char> Base64Chars =
        SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=");

    /// <summary>Whether the text is a data: URI or base64 (not an http(s) URL or any other scheme).</summary>
    public static bool IsInline(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var t = text.AsSpan().Trim();
        if (t.StartsWith("data:", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        // A URL has a scheme "letter (letter | digit | + | - | .)* :" before anything else; base64 never has ':'.
        return !HasScheme(t);
    }

    /// <summary>Whether the text starts with a URI scheme (<c>http:</c>, <c>file:</c>, …).</summary>
    private static bool HasScheme(ReadOnlySpan<char> t)
    {
        var colon = t.IndexOf(':');
        if (colon <= 0 || !char.IsAsciiLetter(t[0]))
        {
            return false;
        }

        foreach (var c in t[..colon])
        {
            if (!char.IsAsciiLetterOrDigit(c) && c is not ('+' or '-' or '.'))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>The encoded image bytes.</summary>
    /// <exception cref="ImageException">Malformed base64, a data URI that is not base64 or not image/*.</exception>
    public static byte[] Decode(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var t = text.AsSpan().Trim();
        if (t.IsEmpty)
        {
            throw new ImageException(ImageErrorKind.Invalid, "The image is empty: expected base64 or a data:image/…;base64, URI.");
        }

        if (t.StartsWith("data:", StringComparison.OrdinalIgnoreCase))
        {
            var comma = t.IndexOf(',');
            if (comma < 0)
            {
                throw new ImageException(ImageErrorKind.Invalid, "The data: URI has no ',' before its data.");
            }

            var meta = t[5..comma];
            var parts = meta.ToString().Split(';', StringSplitOptions.TrimEntries);
            var mediaType = parts[0];
            if (!mediaType.StartsWith("image/", StringComparison.OrdinalIgnoreCase) || mediaType.Length == 6)
            {
                var shown = mediaType.Length == 0 ? "none (text/plain by default)" : Shorten(mediaType);
                throw new ImageException(ImageErrorKind.Invalid, $"The data: URI's media type is {shown}; an image/* type is required.");
            }

            if (!parts.Skip(1).Any(p => p.Equals("base64", StringComparison.OrdinalIgnoreCase)))
            {
                throw new ImageException(ImageErrorKind.Invalid, "The data: URI is not base64-encoded (';base64' is missing); only base64 data URIs are accepted.");
            }

            return DecodeBase64(t[(comma + 1)..], "the data: URI's data");
        }

        if (HasScheme(t))
        {
            var scheme = t[..t.IndexOf(':')].ToString();
            throw new ImageException(ImageErrorKind.Invalid, $"The image is a '{Shorten(scheme)}:' URL, not base64 or a data: URI.");
        }

        return DecodeBase64(t, "the image");
    }

    private static string Shorten(string s) => s.Length <= 40 ? s : s[..40] + "…";

    /// <summary>Standard alphabet; whitespace ignored; padding optional (but never in the middle).</summary>
    private static byte[] DecodeBase64(ReadOnlySpan<char> text, string what)
    {
        var sb = new StringBuilder(text.Length + 3);
        var position = 0;
        foreach (var c in text)
        {
            if (char.IsWhiteSpace(c))
            {
                position++;
                continue;
            }

            if (!Base64Chars.Contains(c))
            {
                var shown = c is >= ' ' and <= '~' ? $"'{c}'" : $"U+{(int)c:X4}";
                throw new ImageException(ImageErrorKind.Invalid, $"{Capitalise(what)} is not valid base64: character {shown} at position {position}.");
            }

            sb.Append(c);
            position++;
        }

        var s = sb.ToString().TrimEnd('=');
        if (s.Contains('='))
        {
            throw new ImageException(ImageErrorKind.Invalid, $"{Capitalise(what)} is not valid base64: '=' padding in the middle.");
        }

        if (s.Length == 0)
        {
            throw new ImageException(ImageErrorKind.Invalid, $"{Capitalise(what)} is empty.");
        }

        if (s.Length % 4 == 1)
        {
            throw new ImageException(ImageErrorKind.Invalid, $"{Capitalise(what)} is not valid base64: its length ({s.Length} characters without padding) is impossible.");
        }

        s += new string('=', (4 - (s.Length % 4)) % 4);
        try
        {
            return Convert.FromBase64String(s);
        }
        catch (FormatException e)
        {
            throw new ImageException(ImageErrorKind.Invalid, $"{Capitalise(what)} is not valid base64.", e);
        }
    }

    private static string Capitalise(string s) => char.ToUpperInvariant(s[0]) + s[1..];
}
