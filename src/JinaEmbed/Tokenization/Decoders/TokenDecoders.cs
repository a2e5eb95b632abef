// tokenizer.json decoders (spec §2.2 step 6): each rewrites the token strings; the results are concatenated.
using System.Text;

namespace JinaEmbed.Tokenization.Decoders;

/// <summary>One decoder step over the list of token strings.</summary>
internal abstract class TokenDecoder
{
    public abstract void Decode(List<string> tokens);
}

/// <summary>"Metaspace": the replacement char becomes a space; in the first token it is dropped unless prepend is never.</summary>
internal sealed class MetaspaceDecoder(char replacement, bool prepends) : TokenDecoder
{
    public override void Decode(List<string> tokens)
    {
        for (var i = 0; i < tokens.Count; i++)
        {
            tokens[i] = i == 0 && prepends
                ? tokens[i].Replace(replacement.ToString(), string.Empty, StringComparison.Ordinal)
                : tokens[i].Replace(replacement, ' ');
        }
    }
}

/// <summary>"WordPiece": continuation prefix removed, other tokens after the first get a leading space; optional cleanup.</summary>
internal sealed class WordPieceDecoder(string prefix, bool cleanup) : TokenDecoder
{
    public override void Decode(List<string> tokens)
    {
        for (var i = 0; i < tokens.Count; i++)
        {
            var t = tokens[i];
            if (i != 0)
            {
                if (prefix.Length > 0 && t.StartsWith(prefix, StringComparison.Ordinal))
                {
                    t = t[prefix.Length..];
                }
                else
                {
                    t = " " + t;
                }
            }

            if (cleanup)
            {
                t = Cleanup(t);
            }

            tokens[i] = t;
        }
    }

    private static string Cleanup(string s) => s
        .Replace(" .", ".", StringComparison.Ordinal)
        .Replace(" ?", "?", StringComparison.Ordinal)
        .Replace(" !", "!", StringComparison.Ordinal)
        .Replace(" ,", ",", StringComparison.Ordinal)
        .Replace(" ' ", "'", StringComparison.Ordinal)
        .Replace(" n't", "n't", StringComparison.Ordinal)
        .Replace(" 'm", "'m", StringComparison.Ordinal)
        .Replace(" do not", " don't", StringComparison.Ordinal)
        .Replace(" 's", "'s", StringComparison.Ordinal)
        .Replace(" 've", "'ve", StringComparison.Ordinal)
        .Replace(" 're", "'re", StringComparison.Ordinal);
}

/// <summary>"Replace" with a literal pattern.</summary>
internal sealed class ReplaceDecoder(string pattern, string content) : TokenDecoder
{
    public override void Decode(List<string> tokens)
    {
        for (var i = 0; i < tokens.Count; i++)
        {
            tokens[i] = tokens[i].Replace(pattern, content, StringComparison.Ordinal);
        }
    }
}

/// <summary>"Fuse": all tokens become one.</summary>
internal sealed class FuseDecoder : TokenDecoder
{
    public override void Decode(List<string> tokens)
    {
        var all = string.Concat(tokens);
        tokens.Clear();
        tokens.Add(all);
    }
}

/// <summary>"Strip": removes up to start/stop occurrences of a char at each token's ends.</summary>
internal sealed class StripDecoder(char content, int start, int stop) : TokenDecoder
{
    public override void Decode(List<string> tokens)
    {
        for (var i = 0; i < tokens.Count; i++)
        {
            var t = tokens[i];
            var a = 0;
            while (a < start && a < t.Length && t[a] == content)
            {
                a++;
            }

            var b = t.Length;
            while (t.Length - b < stop && b > a && t[b - 1] == content)
            {
                b--;
            }

            tokens[i] = t[a..b];
        }
    }
}

/// <summary>"ByteFallback": runs of &lt;0xXX&gt; tokens become their UTF-8 text (invalid bytes → U+FFFD each).</summary>
internal sealed class ByteFallbackDecoder : TokenDecoder
{
    public override void Decode(List<string> tokens)
    {
        var result = new List<string>(tokens.Count);
        var bytes = new List<byte>();
        foreach (var t in tokens)
        {
            if (t.Length == 6 && t.StartsWith("<0x", StringComparison.Ordinal) && t[5] == '>'
                && byte.TryParse(t.AsSpan(3, 2), System.Globalization.NumberStyles.HexNumber, null, out var b))
            {
                bytes.Add(b);
                continue;
            }

            Flush(bytes, result);
            result.Add(t);
        }

        Flush(bytes, result);
        tokens.Clear();
        tokens.AddRange(result);
    }

    private static void Flush(List<byte> bytes, List<string> result)
    {
        if (bytes.Count == 0)
        {
            return;
        }

        var strict = new UTF8Encoding(false, true);
        try
        {
            result.Add(strict.GetString(bytes.ToArray()));
        }
        catch (DecoderFallbackException)
        {
            for (var k = 0; k < bytes.Count; k++)
            {
                result.Add("\uFFFD");
            }
        }

        bytes.Clear();
    }
}

/// <summary>"ByteLevel": every token's chars back to bytes through GPT-2's table (a token with a char outside it is taken
/// as its own UTF-8), all joined and read as UTF-8 with U+FFFD for invalid sequences.</summary>
internal sealed class ByteLevelDecoder : TokenDecoder
{
    public override void Decode(List<string> tokens)
    {
        var bytes = new List<byte>();
        foreach (var t in tokens)
        {
            var mapped = true;
            foreach (var c in t)
            {
                if (ByteLevelAlphabet.ByteOf(c) < 0)
                {
                    mapped = false;
                    break;
                }
            }

            if (mapped)
            {
                foreach (var c in t)
                {
                    bytes.Add((byte)ByteLevelAlphabet.ByteOf(c));
                }
            }
            else
            {
                bytes.AddRange(Encoding.UTF8.GetBytes(t));
            }
        }

        tokens.Clear();
        tokens.Add(Encoding.UTF8.GetString(bytes.ToArray()));
    }
}

/// <summary>"Sequence": applies its children in order.</summary>
internal sealed class SequenceDecoder(TokenDecoder[] steps) : TokenDecoder
{
    public override void Decode(List<string> tokens)
    {
        foreach (var s in steps)
        {
            s.Decode(tokens);
        }
    }
}
