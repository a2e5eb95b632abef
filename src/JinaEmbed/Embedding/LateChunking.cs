// Late chunking (spec §7.4): encode the whole document once (prompt + chunks joined with one space) and pool each
// chunk's token span. Spans come from the joint tokenization's offsets: a token belongs to the chunk its first character
// is in; the first span starts at 0 (<s> and prompt), the last ends after </s>.
using JinaEmbed.Tokenization;

namespace JinaEmbed.Embedding;

/// <summary>Builds late-chunking plans: spans over one tokenized document.</summary>
public static class LateChunking
{
    /// <summary>The separator placed between chunks.</summary>
    public const string Separator = " ";

    /// <summary>
    /// Joins the non-empty chunks with one space and returns the document and each chunk's [Start, End) range in it
    /// (UTF-16); an empty chunk contributes no text and gets no range (null).
    /// </summary>
    public static (string Document, (int Start, int End)?[] Ranges) Join(IReadOnlyList<string> chunks)
    {
        ArgumentNullException.ThrowIfNull(chunks);
        var builder = new System.Text.StringBuilder();
        var ranges = new (int Start, int End)?[chunks.Count];
        for (int i = 0; i < chunks.Count; i++)
        {
            string chunk = chunks[i] ?? throw new ArgumentException($"Chunk {i} is null.", nameof(chunks));
            if (chunk.Length == 0)
            {
                continue;
            }

            if (builder.Length > 0)
            {
                builder.Append(Separator);
            }

            ranges[i] = (builder.Length, builder.Length + chunk.Length);
            builder.Append(chunk);
        }

        return (builder.ToString(), ranges);
    }

    /// <summary>
    /// Token spans of character ranges of the tokenized string (prompt included) over its
    /// encoding. Ranges must be in order and not overlap; a null range gets an empty span. Characters between ranges
    /// belong to the next chunk's first token.
    /// </summary>
    public static (int Start, int End)[] Spans(TokenizerEncoding encoding, IReadOnlyList<(int Start, int End)?> ranges)
    {
        ArgumentNullException.ThrowIfNull(encoding);
        ArgumentNullException.ThrowIfNull(ranges);
        var spans = new (int Start, int End)[ranges.Count];
        int lastChunk = -1;
        for (int i = 0; i < ranges.Count; i++)
        {
            if (ranges[i] is not null)
            {
                lastChunk = i;
            }
        }

        int cursor = 0, previousEnd = int.MinValue;
        for (int i = 0; i < ranges.Count; i++)
        {
            if (ranges[i] is not { } range)
            {
                spans[i] = (cursor, cursor);
                continue;
            }

            if (range.End < range.Start || range.Start < previousEnd)
            {
                throw new ArgumentException($"Chunk range {i} [{range.Start}, {range.End}) is not in order.", nameof(ranges));
            }

            previousEnd = range.End;
            int end;
            if (i == lastChunk)
            {
                end = encoding.Count;
            }
            else
            {
                // Token t belongs to the chunk its first character is in: the chunk ends before the first token that
                // starts at or after the range's end. Same as "after the first token whose end reaches it" when tokens do
                // not overlap, and still right when byte-level BPE splits one character over two tokens sharing its range
                // (v4 spec §10). Specials without text (<s>, </s>) stay with the chunk they follow.
                end = encoding.Count;
                for (int j = cursor; j < encoding.Count; j++)
                {
                    var (start, stop) = encoding.Offsets[j];
                    bool textless = encoding.SpecialTokensMask[j] && start == stop;
                    if (!textless && start >= range.End)
                    {
                        end = j;
                        break;
                    }
                }
            }

            spans[i] = (cursor, Math.Max(cursor, end));
            cursor = spans[i].End;
        }

        return spans;
    }

    /// <summary>Character ranges of <paramref name="document"/>'s sentences, grouped <paramref name="perChunk"/> at a time.</summary>
    public static (int Start, int End)[] SentenceRanges(string document, int perChunk = 1)
    {
        ArgumentNullException.ThrowIfNull(document);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(perChunk);
        var sentences = new List<(int Start, int End)>();
        int start = 0;
        for (int i = 0; i < document.Length; i++)
        {
            bool terminal = document[i] is '.' or '!' or '?' or '。' or '！' or '？';
            if (terminal && (i + 1 == document.Length || char.IsWhiteSpace(document[i + 1]) || document[i] is '。' or '！' or '？'))
            {
                // Absorb runs like "?!" and closing quotes before the gap.
                int end = i + 1;
                while (end < document.Length && document[end] is '.' or '!' or '?' or '"' or '\'' or '”' or '»' or ')')
                {
                    end++;
                }

                AddTrimmed(document, start, end, sentences);
                start = end;
                i = end - 1;
            }
        }

        AddTrimmed(document, start, document.Length, sentences);
        var grouped = new List<(int Start, int End)>();
        for (int s = 0; s < sentences.Count; s += perChunk)
        {
            grouped.Add((sentences[s].Start, sentences[Math.Min(sentences.Count, s + perChunk) - 1].End));
        }

        return [.. grouped];
    }

    /// <summary>Token spans of fixed groups of <paramref name="tokensPerChunk"/> document tokens (tokens ending after <paramref name="promptLength"/>).</summary>
    public static (int Start, int End)[] FixedTokenSpans(TokenizerEncoding encoding, int promptLength, int tokensPerChunk)
    {
        ArgumentNullException.ThrowIfNull(encoding);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(tokensPerChunk);
        var content = new List<int>();
        for (int j = 0; j < encoding.Count; j++)
        {
            if (!encoding.SpecialTokensMask[j] && encoding.Offsets[j].End > promptLength)
            {
                content.Add(j);
            }
        }

        if (content.Count == 0)
        {
            return [(0, encoding.Count)];
        }

        var spans = new List<(int Start, int End)>();
        int cursor = 0;
        for (int k = 0; k < content.Count; k += tokensPerChunk)
        {
            int last = content[Math.Min(content.Count, k + tokensPerChunk) - 1];
            int end = k + tokensPerChunk >= content.Count ? encoding.Count : last + 1;
            spans.Add((cursor, end));
            cursor = end;
        }

        return [.. spans];
    }

    private static void AddTrimmed(string text, int start, int end, List<(int Start, int End)> into)
    {
        while (start < end && char.IsWhiteSpace(text[start]))
        {
            start++;
        }

        while (end > start && char.IsWhiteSpace(text[end - 1]))
        {
            end--;
        }

        if (end > start)
        {
            into.Add((start, end));
        }
    }
}
