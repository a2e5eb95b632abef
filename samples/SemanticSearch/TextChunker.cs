// Splits a document into passages for late chunking: paragraphs (blank-line separated), long ones cut at sentence ends.
using System.Text;

namespace JinaEmbed.Samples.SemanticSearch;

/// <summary>Turns a text file's content into chunks, each one searchable passage.</summary>
public static class TextChunker
{
    /// <summary>Paragraphs of <paramref name="text"/>, whitespace collapsed; paragraphs over <paramref name="maxChars"/> are cut after a sentence end.</summary>
    public static IReadOnlyList<string> Split(string text, int maxChars = 1000)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxChars, 1);

        var chunks = new List<string>();
        var paragraphs = text.ReplaceLineEndings("\n").Split("\n\n", StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        foreach (var paragraph in paragraphs)
        {
            var collapsed = string.Join(' ', paragraph.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
            if (collapsed.Length == 0)
            {
                continue;
            }

            SplitLong(collapsed, maxChars, chunks);
        }

        return chunks;
    }

    private static void SplitLong(string paragraph, int maxChars, List<string> chunks)
    {
        var current = new StringBuilder();
        foreach (var sentence in Sentences(paragraph))
        {
            if (current.Length > 0 && current.Length + 1 + sentence.Length > maxChars)
            {
                chunks.Add(current.ToString());
                current.Clear();
            }

            if (current.Length > 0)
            {
                current.Append(' ');
            }

            current.Append(sentence);
        }

        if (current.Length > 0)
        {
            chunks.Add(current.ToString());
        }
    }

    // A sentence ends at '.', '!' or '?' followed by a space; the space is dropped (late chunking re-joins with one).
    private static IEnumerable<string> Sentences(string paragraph)
    {
        var start = 0;
        for (var i = 0; i < paragraph.Length - 1; i++)
        {
            if (paragraph[i] is '.' or '!' or '?' && paragraph[i + 1] == ' ')
            {
                yield return paragraph[start..(i + 1)];
                start = i + 2;
            }
        }

        if (start < paragraph.Length)
        {
            yield return paragraph[start..];
        }
    }
}
