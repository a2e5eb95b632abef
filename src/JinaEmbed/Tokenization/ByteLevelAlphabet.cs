// GPT-2's byte ↔ char table (spec §2.3 step 4): printable bytes 33–126, 161–172, 174–255 map to the same code point,
// the other 68 bytes, in increasing order, to U+0100 … U+0143. Shared by the ByteLevel pre-tokenizer and decoder.
namespace JinaEmbed.Tokenization;

internal static class ByteLevelAlphabet
{
    /// <summary>Char of each byte value.</summary>
    public static readonly char[] ByteToChar = BuildByteToChar();

    /// <summary>Byte of each char U+0000…U+0143, or -1 for chars outside the alphabet.</summary>
    public static readonly short[] CharToByte = BuildCharToByte();

    /// <summary>The byte of <paramref name="c"/>, or -1 when it is not a byte-level char.</summary>
    public static int ByteOf(char c) => c < CharToByte.Length ? CharToByte[c] : -1;

    private static char[] BuildByteToChar()
    {
        var map = new char[256];
        var next = 0x100;
        for (var b = 0; b < 256; b++)
        {
            var printable = b is >= 33 and <= 126 or >= 161 and <= 172 or >= 174 and <= 255;
            map[b] = printable ? (char)b : (char)next++;
        }

        return map;
    }

    private static short[] BuildCharToByte()
    {
        var map = new short[0x144];
        Array.Fill(map, (short)-1);
        var chars = BuildByteToChar();
        for (var b = 0; b < 256; b++)
        {
            map[chars[b]] = (short)b;
        }

        return map;
    }
}
