// SentencePiece precompiled charsmap: a double-array trie over UTF-8 keys plus a pool of NUL-terminated replacements
// (spec §2.2, "The Precompiled normalizer").
using System.Buffers.Binary;
using System.Text;

namespace JinaEmbed.Tokenization.Normalizers;

/// <summary>Parsed charsmap with a direct table for single BMP code points.</summary>
internal sealed class PrecompiledCharsMap
{
    private readonly uint[] _units;
    private readonly byte[] _pool;
    private readonly string?[] _poolStrings;
    private readonly string?[] _bmp;

    public PrecompiledCharsMap(byte[] blob)
    {
        if (blob.Length < 4)
        {
            throw new FormatException("charsmap shorter than its 4-byte header");
        }

        var trieSize = BinaryPrimitives.ReadUInt32LittleEndian(blob);
        if (trieSize % 4 != 0 || trieSize > (uint)(blob.Length - 4) || trieSize == 0)
        {
            throw new FormatException($"charsmap trie size {trieSize} does not fit a blob of {blob.Length} bytes");
        }

        _units = new uint[trieSize / 4];
        for (var i = 0; i < _units.Length; i++)
        {
            _units[i] = BinaryPrimitives.ReadUInt32LittleEndian(blob.AsSpan(4 + (i * 4)));
        }

        _pool = blob.AsSpan(4 + (int)trieSize).ToArray();
        _poolStrings = new string?[_pool.Length];
        _bmp = new string?[0x10000];
        Span<byte> key = stackalloc byte[4];
        for (var cp = 0; cp < 0x10000; cp++)
        {
            if (cp is >= 0xD800 and <= 0xDFFF)
            {
                continue;
            }

            var n = new Rune(cp).EncodeToUtf8(key);
            var value = Lookup(key[..n]);
            if (value >= 0)
            {
                _bmp[cp] = PoolString(value);
            }
        }
    }

    /// <summary>Replacement of a single BMP code point, or null.</summary>
    public string? MapBmp(char c) => _bmp[c];

    /// <summary>Replacement for the shortest matching prefix of a UTF-8 key, or null.</summary>
    public string? Map(ReadOnlySpan<byte> utf8)
    {
        var value = Lookup(utf8);
        return value < 0 ? null : PoolString(value);
    }

    /// <summary>The value of the first (shortest) prefix of <paramref name="key"/> in the trie, or -1.</summary>
    private int Lookup(ReadOnlySpan<byte> key)
    {
        var units = _units;
        uint pos = 0;
        var unit = units[0];
        pos ^= Offset(unit);
        foreach (var c in key)
        {
            if (c == 0)
            {
                return -1;
            }

            pos ^= c;
            if (pos >= (uint)units.Length)
            {
                return -1;
            }

            unit = units[pos];
            if ((unit & 0x800000FFu) != c)
            {
                return -1;
            }

            pos ^= Offset(unit);
            if (pos >= (uint)units.Length)
            {
                return -1;
            }

            if (((unit >> 8) & 1) != 0)
            {
                var value = (int)(units[pos] & 0x7FFFFFFFu);
                return value < _pool.Length ? value : -1;
            }
        }

        return -1;
    }

    private static uint Offset(uint unit) => (unit >> 10) << (int)((unit & 0x200u) >> 6);

    private string PoolString(int offset)
    {
        var cached = Volatile.Read(ref _poolStrings[offset]);
        if (cached != null)
        {
            return cached;
        }

        var end = Array.IndexOf(_pool, (byte)0, offset);
        if (end < 0)
        {
            end = _pool.Length;
        }

        var s = Encoding.UTF8.GetString(_pool, offset, end - offset);
        Volatile.Write(ref _poolStrings[offset], s);
        return s;
    }
}
