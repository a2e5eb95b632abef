// The streaming loop of `jinaembed embed`: texts are cut into requests, several requests are in flight at once so the
// library's batch scheduler (or a fleet of servers, --server) can fill its token budget, and vectors are written
// strictly in input order (issues #7, #17). Requests are cut by input position and content only, never by timing, so
// a resumed run (--resume) sends the very requests an uninterrupted run sends: it re-sends the request holding the
// first missing row and writes only the rows from there.
using JinaEmbed.Cli.Progress;
using JinaEmbed.Embedding;

namespace JinaEmbed.Cli.IO;

/// <summary>Embeds a stream of texts into a <see cref="VectorWriter"/>, in order.</summary>
/// <param name="embed">Embeds one request (the CLI passes <see cref="Embedder.EmbedAsync"/>).</param>
/// <param name="options">Task, dimensions, normalisation, truncation, late chunking.</param>
internal sealed partial class EmbedPipeline(Func<EmbeddingRequest, CancellationToken, Task<EmbeddingResult>> embed, EmbedOptions options)
{
    private long _written; // rows in the output so far

    /// <summary>Items per request: small enough to keep memory flat, large enough to amortise the per-request cost.</summary>
    public int ItemsPerRequest { get; init; } = 64;

    /// <summary>Requests in flight; together they should hold more tokens than one batch, so batches stay full.</summary>
    public int RequestsInFlight { get; init; } = 8;

    /// <summary>
    /// A request also ends before an item that would take its estimated tokens past <see cref="TokensPerRequest"/> or
    /// its estimated body past <see cref="BytesPerRequest"/> (the fleet's requests; null: by item count only).
    /// </summary>
    public Func<EmbeddingInput, (long Tokens, long Bytes)>? Estimate { get; init; }

    /// <summary>Estimated tokens one request may hold (with <see cref="Estimate"/>).</summary>
    public long TokensPerRequest { get; init; } = long.MaxValue;

    /// <summary>Estimated body bytes one request may hold (with <see cref="Estimate"/>).</summary>
    public long BytesPerRequest { get; init; } = long.MaxValue;

    /// <summary>
    /// Rows at the start already in the output (--resume): requests wholly before them are not sent, and of the
    /// request that straddles them only the later rows are written.
    /// </summary>
    public long SkipItems { get; init; }

    /// <summary>
    /// How an error names the item at a 0-based position of the whole input (the library's messages say
    /// <c>input[i]</c> within one request); default <c>input[position]</c>.
    /// </summary>
    public Func<long, string>? DescribeItem { get; init; }

    /// <summary>Rows in the output so far (those of a resumed file included): where a failed run stopped.</summary>
    public long Written => _written;

    /// <summary>Embeds every text and writes one vector per text; returns the item and token counts.</summary>
    /// <exception cref="EmbeddingException">The library refused an item (too long without truncation, bad task, …).</exception>
    public Task<(long Items, long Tokens)> RunAsync(IEnumerable<string> texts, VectorWriter writer, EmbedProgress? progress, CancellationToken cancellationToken) =>
        RunAsync(texts.Select(EmbeddingInput.FromText), writer, progress, cancellationToken);

    /// <summary>
    /// Embeds every input (text or token ids) and writes one vector per input, or one multi-vector per input when the
    /// options ask for <see cref="EmbeddingOutput.MultiVector"/>; returns the item and token counts.
    /// </summary>
    public async Task<(long Items, long Tokens)> RunAsync(IEnumerable<EmbeddingInput> inputs, VectorWriter writer, EmbedProgress? progress, CancellationToken cancellationToken)
    {
        long tokens = 0;
        _written = 0;
        if (options.LateChunking)
        {
            // The inputs are the chunks of one document: one request, so every chunk sees the whole context.
            var chunks = inputs.ToList();
            if (chunks.Count > 0)
            {
                var result = await embed(new EmbeddingRequest(chunks, options), cancellationToken).ConfigureAwait(false);
                await WriteAsync(result, 0).ConfigureAwait(false);
            }

            return (_written, tokens);
        }

        var inFlight = new Queue<(long Start, Task<EmbeddingResult> Task)>();
        var chunk = new List<EmbeddingInput>(ItemsPerRequest);
        long submitted = 0, chunkTokens = 0, chunkBytes = 0;
        _written = SkipItems;
        foreach (var input in inputs)
        {
            if (Estimate != null)
            {
                var (inputTokens, inputBytes) = Estimate(input);
                if (chunk.Count > 0 && (chunkTokens + inputTokens > TokensPerRequest || chunkBytes + inputBytes > BytesPerRequest))
                {
                    await SubmitAsync().ConfigureAwait(false);
                }

                chunkTokens += inputTokens;
                chunkBytes += inputBytes;
            }

            chunk.Add(input);
            if (chunk.Count == ItemsPerRequest)
            {
                await SubmitAsync().ConfigureAwait(false);
            }
        }

        if (chunk.Count > 0)
        {
            await SubmitAsync().ConfigureAwait(false);
        }

        while (inFlight.Count > 0)
        {
            var next = inFlight.Dequeue();
            await WriteAsync(await CompleteAsync(next).ConfigureAwait(false), next.Start).ConfigureAwait(false);
        }

        return (_written, tokens);

        async Task SubmitAsync()
        {
            chunkTokens = chunkBytes = 0;
            if (submitted + chunk.Count <= SkipItems)
            {
                // Already in the output: cut like the first run did, not sent.
                submitted += chunk.Count;
                chunk = new List<EmbeddingInput>(ItemsPerRequest);
                return;
            }

            Task<EmbeddingResult> request;
            try
            {
                request = embed(new EmbeddingRequest(chunk, options), cancellationToken);
            }
            catch (EmbeddingException e)
            {
                request = Task.FromException<EmbeddingResult>(e); // renumbered like a failed request
            }

            inFlight.Enqueue((submitted, request));
            submitted += chunk.Count;
            chunk = new List<EmbeddingInput>(ItemsPerRequest);
            if (inFlight.Count >= RequestsInFlight)
            {
                var next = inFlight.Dequeue();
                await WriteAsync(await CompleteAsync(next).ConfigureAwait(false), next.Start).ConfigureAwait(false);
            }
        }

        async Task<EmbeddingResult> CompleteAsync((long Start, Task<EmbeddingResult> Task) request)
        {
            try
            {
                return await request.Task.ConfigureAwait(false);
            }
            catch (EmbeddingException e)
            {
                // Renumber the request's "input[i]" to the item's place in the whole input.
                string Renumber(string text) => ItemReference().Replace(text, m =>
                {
                    long position = request.Start + long.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
                    return DescribeItem?.Invoke(position) ?? $"input[{position}]";
                });
                throw new EmbeddingException(e.Kind, Renumber(e.Problem), e.Param, e.Remedy);
            }
        }

        async Task WriteAsync(EmbeddingResult result, long start)
        {
            // Rows before SkipItems are in the output already (a resumed run re-sends the request that straddles them).
            var skip = (int)Math.Max(0, SkipItems - start);

            // A multi-vector request (--multivector) yields one list of token vectors per item instead of one vector.
            if (result.MultiVectors is { } multiVectors)
            {
                foreach (var multiVector in multiVectors.Skip(skip))
                {
                    await writer.WriteAsync(multiVector, cancellationToken).ConfigureAwait(false);
                    _written++;
                }
            }
            else
            {
                foreach (var vector in result.Embeddings.Skip(skip))
                {
                    await writer.WriteAsync(vector, cancellationToken).ConfigureAwait(false);
                    _written++;
                }
            }

            await writer.CheckpointAsync(cancellationToken).ConfigureAwait(false);
            tokens += result.TokenCount;
            progress?.Report(_written, tokens);
        }
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"input\[(\d+)\]")]
    private static partial System.Text.RegularExpressions.Regex ItemReference();
}
