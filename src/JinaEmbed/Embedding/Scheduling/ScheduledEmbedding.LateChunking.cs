// Late chunking on the scheduled path (api.md "late_chunking = true"; model spec §7.4 spans, §7.5 long inputs):
// one joined text, one token sequence, split into overlapping windows when longer than the context.
namespace JinaEmbed.Embedding.Scheduling;

internal sealed partial class ScheduledEmbedding
{
    /// <summary>
    /// Token span [Start, End) of each chunk in the joined sequence: chunk 0 starts at 0 (covering &lt;s&gt; and the
    /// prompt), the last ends at the sequence end (covering &lt;/s&gt;), and chunk i ends after the first content token
    /// whose end offset reaches the chunk's end. An empty item gets an empty span.
    /// </summary>
    internal static (int Start, int End)[] ChunkSpans(Tokenization.TokenizerEncoding encoding, IReadOnlyList<string> chunks, int promptLength)
    {
        var spans = new (int Start, int End)[chunks.Count];
        int next = 0;
        int charStart = promptLength;
        int lastNonEmpty = -1;
        for (int c = 0; c < chunks.Count; c++)
        {
            int charEnd = charStart + chunks[c].Length;
            int start = c == 0 ? 0 : next;
            if (chunks[c].Length == 0)
            {
                spans[c] = (start, start);
            }
            else
            {
                int t = next;
                while (t < encoding.Count && (encoding.SpecialTokensMask[t] || encoding.Offsets[t].End < charEnd))
                {
                    t++;
                }

                next = t < encoding.Count ? t + 1 : encoding.Count;
                spans[c] = (start, next);
                lastNonEmpty = c;
            }

            charStart = charEnd + 1;
        }

        if (lastNonEmpty >= 0)
        {
            spans[lastNonEmpty] = (spans[lastNonEmpty].Start, encoding.Count);
        }

        return spans;
    }

    /// <summary>Window starts and ends over <paramref name="length"/> tokens: [s, min(s + E, L)), s = k·(E − O), while the last window has not reached L.</summary>
    internal static List<(int Start, int End)> Windows(int length, int windowSize, int overlap)
    {
        var windows = new List<(int Start, int End)> { (0, Math.Min(windowSize, length)) };
        while (windows[^1].End < length)
        {
            int start = windows[^1].Start + windowSize - overlap;
            windows.Add((start, Math.Min(start + windowSize, length)));
        }

        return windows;
    }

    private async Task<EmbeddingResult> EmbedLateChunkedAsync(EmbeddingRequest request, int adapter, string prompt, int dimensions, CancellationToken cancellationToken)
    {
        var texts = new string[request.Items.Count];
        for (int i = 0; i < texts.Length; i++)
        {
            texts[i] = request.Items[i].Text ?? throw new EmbeddingException(EmbeddingErrorKind.InvalidInput, "token-id inputs cannot be combined with late chunking", "input");
        }

        var encoding = encode(prompt + string.Join(' ', texts));
        var spans = ChunkSpans(encoding, texts, prompt.Length);
        int length = encoding.Count;
        var ids = encoding.Ids;

        // Each kept token state is added straight into the sums of the chunk it belongs to: no [L, hidden] buffer.
        var chunkOf = new int[length];
        Array.Fill(chunkOf, -1);
        for (int c = 0; c < spans.Length; c++)
        {
            for (int t = spans[c].Start; t < spans[c].End; t++)
            {
                chunkOf[t] = c;
            }
        }

        var sums = new double[spans.Length][];
        for (int c = 0; c < sums.Length; c++)
        {
            sums[c] = new double[dimensions];
        }

        var windows = Windows(length, MaxTokens, LateChunkingOverlap);
        var sequences = new PendingSequence[windows.Count];
        int tokenCount = 0;
        for (int w = 0; w < windows.Count; w++)
        {
            var (start, end) = windows[w];
            int keepFrom = w == 0 ? 0 : LateChunkingOverlap;
            tokenCount += end - start;
            sequences[w] = new PendingSequence(ids[start..end], adapter, (states, hidden) =>
            {
                for (int row = keepFrom; row < end - start; row++)
                {
                    int chunk = chunkOf[start + row];
                    if (chunk < 0)
                    {
                        continue;
                    }

                    var state = states.Slice(row * hidden, dimensions);
                    var sum = sums[chunk];
                    for (int h = 0; h < dimensions; h++)
                    {
                        sum[h] += state[h];
                    }
                }
            });
        }

        var times = await Scheduler.SubmitAsync(sequences, cancellationToken).ConfigureAwait(false);
        var vectors = new float[spans.Length][];
        for (int c = 0; c < spans.Length; c++)
        {
            int count = spans[c].End - spans[c].Start;
            var mean = new float[dimensions];
            for (int h = 0; h < dimensions && count > 0; h++)
            {
                mean[h] = (float)(sums[c][h] / count);
            }

            vectors[c] = request.Options.Normalize ? Normalize(mean) : mean;
        }

        return new EmbeddingResult(vectors, tokenCount, times.QueueTime, times.InferenceTime);
    }
}
