// "Precompiled" normalizer: SentencePiece's charsmap applied per extended grapheme cluster, as HF's spm_precompiled
// does (spec §2.2): a cluster under 6 UTF-8 bytes whose prefix matches is replaced whole; otherwise code point by code point.
using System.Globalization;
using System.Text;

namespace JinaEmbed.Tokenization.Normalizers;

internal sealed class PrecompiledNormalizer(PrecompiledCharsMap map) : TextNormalizer
{
    public override void Normalize(ref NormalizedText text, ref NormalizedText spare)
    {
        var transform = new TextTransform(text, spare);
        var chars = text.RawChars;
        var length = text.Length;
        Span<byte> utf8 = stackalloc byte[8];
        var i = 0;
        while (i < length)
        {
            var c = chars[i];

            // Fast path: a code point below U+0300 followed by another (or the end) is a cluster of its own,
            // except CR LF; only U+0300 and above can extend a cluster.
            if (c < 0x300 && c != '\r' && (i + 1 == length || chars[i + 1] < 0x300))
            {
                var mapped = map.MapBmp(c);
                if (mapped == null)
                {
                    transform.Emit(c, 0);
                }
                else
                {
                    Replace(ref transform, 1, mapped);
                }

                i++;
                continue;
            }

            var clusterLength = StringInfo.GetNextTextElementLength(chars.AsSpan(i, length - i));
            if (clusterLength <= 0)
            {
                clusterLength = 1;
            }

            var cluster = chars.AsSpan(i, clusterLength);
            string? whole = null;
            if (clusterLength == 1)
            {
                whole = char.IsSurrogate(c) ? null : map.MapBmp(c);
            }
            else
            {
                var byteCount = Utf8Length(cluster);
                if (byteCount < 6)
                {
                    var n = Utf8Encode(cluster, utf8);
                    whole = map.Map(utf8[..n]);
                }
            }

            if (whole != null)
            {
                Replace(ref transform, CodePointCount(cluster), whole);
            }
            else
            {
                var j = 0;
                while (j < clusterLength)
                {
                    var step = char.IsHighSurrogate(cluster[j]) && j + 1 < clusterLength && char.IsLowSurrogate(cluster[j + 1]) ? 2 : 1;
                    string? part;
                    int rune;
                    if (step == 2)
                    {
                        rune = char.ConvertToUtf32(cluster[j], cluster[j + 1]);
                        var n = new Rune(rune).EncodeToUtf8(utf8);
                        part = map.Map(utf8[..n]);
                    }
                    else
                    {
                        rune = cluster[j];
                        part = char.IsSurrogate(cluster[j]) ? null : map.MapBmp(cluster[j]);
                    }

                    if (part == null)
                    {
                        transform.Emit(rune, 0);
                    }
                    else
                    {
                        Replace(ref transform, 1, part);
                    }

                    j += step;
                }
            }

            i += clusterLength;
        }

        transform.Finish();
        Swap(ref text, ref spare);
    }

    /// <summary>HF's replace(): new code points as edits; extra ones are inserts, fewer amend the last edit.</summary>
    private static void Replace(ref TextTransform transform, int oldCount, string replacement)
    {
        var newCount = 0;
        for (var k = 0; k < replacement.Length; k++)
        {
            int rune = replacement[k];
            if (char.IsHighSurrogate(replacement[k]) && k + 1 < replacement.Length && char.IsLowSurrogate(replacement[k + 1]))
            {
                rune = char.ConvertToUtf32(replacement[k], replacement[k + 1]);
                k++;
            }

            transform.Emit(rune, newCount >= oldCount ? 1 : 0);
            newCount++;
        }

        if (newCount < oldCount)
        {
            transform.AmendLast(newCount - oldCount);
        }
    }

    private static int CodePointCount(ReadOnlySpan<char> s)
    {
        var n = 0;
        for (var k = 0; k < s.Length; k++)
        {
            if (char.IsHighSurrogate(s[k]) && k + 1 < s.Length && char.IsLowSurrogate(s[k + 1]))
            {
                k++;
            }

            n++;
        }

        return n;
    }

    private static int Utf8Length(ReadOnlySpan<char> s)
    {
        var n = 0;
        for (var k = 0; k < s.Length; k++)
        {
            var c = s[k];
            if (c < 0x80)
            {
                n += 1;
            }
            else if (c < 0x800)
            {
                n += 2;
            }
            else if (char.IsHighSurrogate(c) && k + 1 < s.Length && char.IsLowSurrogate(s[k + 1]))
            {
                n += 4;
                k++;
            }
            else
            {
                n += 3;
            }
        }

        return n;
    }

    /// <summary>UTF-8 of a short span (lone surrogates become U+FFFD, as Rust strings cannot hold them).</summary>
    private static int Utf8Encode(ReadOnlySpan<char> s, Span<byte> dest)
    {
        var n = 0;
        for (var k = 0; k < s.Length; k++)
        {
            int rune = s[k];
            if (char.IsHighSurrogate(s[k]) && k + 1 < s.Length && char.IsLowSurrogate(s[k + 1]))
            {
                rune = char.ConvertToUtf32(s[k], s[k + 1]);
                k++;
            }
            else if (char.IsSurrogate(s[k]))
            {
                rune = 0xFFFD;
            }

            n += new Rune(rune).EncodeToUtf8(dest[n..]);
        }

        return n;
    }
}
