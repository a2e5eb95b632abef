// Builds small tokenizer.json documents for unit tests (components spelled as HF writes them).
using System.Text;
using System.Text.Json;

namespace JinaEmbed.Tests.Tokenization;

internal static class TokenizerJsonBuilder
{
    /// <summary>A Unigram tokenizer: ids 0..3 are &lt;s&gt; &lt;pad&gt; &lt;/s&gt; &lt;unk&gt;, then <paramref name="pieces"/>
    /// with decreasing scores, unk_id 3, the XLM-R template.</summary>
    public static string Unigram(IEnumerable<string> pieces, string? normalizer = null, string? preTokenizer = null, string extra = "")
    {
        var sb = new StringBuilder();
        sb.Append("{\"version\":\"1.0\",\"truncation\":null,\"padding\":null,");
        sb.Append("\"added_tokens\":[");
        string[] specials = ["<s>", "<pad>", "</s>", "<unk>"];
        for (var i = 0; i < specials.Length; i++)
        {
            sb.Append(i > 0 ? "," : string.Empty);
            sb.Append($"{{\"id\":{i},\"content\":\"{specials[i]}\",\"single_word\":false,\"lstrip\":false,\"rstrip\":false,\"normalized\":false,\"special\":true}}");
        }

        sb.Append("],");
        sb.Append("\"normalizer\":").Append(normalizer ?? "null").Append(',');
        sb.Append("\"pre_tokenizer\":").Append(preTokenizer ?? "{\"type\":\"Metaspace\",\"replacement\":\"\u2581\",\"prepend_scheme\":\"always\",\"split\":true}").Append(',');
        sb.Append("\"post_processor\":{\"type\":\"TemplateProcessing\",\"single\":[{\"SpecialToken\":{\"id\":\"<s>\",\"type_id\":0}},{\"Sequence\":{\"id\":\"A\",\"type_id\":0}},{\"SpecialToken\":{\"id\":\"</s>\",\"type_id\":0}}],");
        sb.Append("\"pair\":[{\"SpecialToken\":{\"id\":\"<s>\",\"type_id\":0}},{\"Sequence\":{\"id\":\"A\",\"type_id\":0}},{\"SpecialToken\":{\"id\":\"</s>\",\"type_id\":0}},{\"SpecialToken\":{\"id\":\"</s>\",\"type_id\":0}},{\"Sequence\":{\"id\":\"B\",\"type_id\":0}},{\"SpecialToken\":{\"id\":\"</s>\",\"type_id\":0}}],");
        sb.Append("\"special_tokens\":{\"<s>\":{\"id\":\"<s>\",\"ids\":[0],\"tokens\":[\"<s>\"]},\"</s>\":{\"id\":\"</s>\",\"ids\":[2],\"tokens\":[\"</s>\"]}}},");
        sb.Append("\"decoder\":{\"type\":\"Metaspace\",\"replacement\":\"\u2581\",\"prepend_scheme\":\"always\",\"split\":true},");
        sb.Append(extra);
        sb.Append("\"model\":{\"type\":\"Unigram\",\"unk_id\":3,\"byte_fallback\":false,\"vocab\":[");
        sb.Append("[\"<s>\",0.0],[\"<pad>\",0.0],[\"</s>\",0.0],[\"<unk>\",0.0]");
        var score = -1.0;
        foreach (var p in pieces)
        {
            sb.Append(',').Append('[').Append(JsonSerializer.Serialize(p)).Append(',').Append(score.ToString("R", System.Globalization.CultureInfo.InvariantCulture)).Append(']');
            score -= 0.01;
        }

        sb.Append("]}}");
        return sb.ToString();
    }

    /// <summary>Single characters a–z, ▁ and ▁-prefixed letters: enough to spell any lowercase ASCII word.</summary>
    public static IEnumerable<string> Letters()
    {
        yield return "\u2581";
        for (var c = 'a'; c <= 'z'; c++)
        {
            yield return c.ToString();
            yield return "\u2581" + c;
        }
    }

    /// <summary>A BPE tokenizer: <paramref name="vocab"/> gets ids in order, <paramref name="merges"/> are "a b" strings
    /// (or [a, b] arrays when <paramref name="arrayMerges"/>); <paramref name="model"/> adds model keys (each ending in a comma).</summary>
    public static string Bpe(IEnumerable<string> vocab, IEnumerable<string> merges, string? preTokenizer = null, string model = "",
        bool arrayMerges = false, string? normalizer = null, string? postProcessor = null, string? decoder = null, string addedTokens = "[]")
    {
        var sb = new StringBuilder();
        sb.Append("{\"version\":\"1.0\",\"truncation\":null,\"padding\":null,\"added_tokens\":").Append(addedTokens).Append(',');
        sb.Append("\"normalizer\":").Append(normalizer ?? "null").Append(',');
        sb.Append("\"pre_tokenizer\":").Append(preTokenizer ?? "null").Append(',');
        sb.Append("\"post_processor\":").Append(postProcessor ?? "null").Append(',');
        sb.Append("\"decoder\":").Append(decoder ?? "null").Append(',');
        sb.Append("\"model\":{\"type\":\"BPE\",").Append(model).Append("\"vocab\":{");
        var id = 0;
        foreach (var v in vocab)
        {
            sb.Append(id > 0 ? "," : string.Empty).Append(JsonSerializer.Serialize(v)).Append(':').Append(id++);
        }

        sb.Append("},\"merges\":[");
        var first = true;
        foreach (var m in merges)
        {
            sb.Append(first ? string.Empty : ",");
            first = false;
            if (arrayMerges)
            {
                var parts = m.Split(' ');
                sb.Append('[').Append(JsonSerializer.Serialize(parts[0])).Append(',').Append(JsonSerializer.Serialize(parts[1])).Append(']');
            }
            else
            {
                sb.Append(JsonSerializer.Serialize(m));
            }
        }

        sb.Append("]}}");
        return sb.ToString();
    }

    /// <summary>A Split pre-tokenizer JSON with a Regex or String pattern.</summary>
    public static string Split(string pattern, string behavior, bool invert = false, bool regex = true) =>
        $"{{\"type\":\"Split\",\"pattern\":{{\"{(regex ? "Regex" : "String")}\":{JsonSerializer.Serialize(pattern)}}},\"behavior\":\"{behavior}\",\"invert\":{(invert ? "true" : "false")}}}";
}
