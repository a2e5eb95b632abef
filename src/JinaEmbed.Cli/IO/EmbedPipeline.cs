// The streaming loop of `jinaembed embed`: texts are cut into requests, several requests are in flight at once so the
// library's batch scheduler can fill its token budget, and vectors are written strictly in input order (issue #7).
using JinaEmbed.Cli.Progress;
using JinaEmbed.Embedding;

namespace JinaEmbed.Cli.IO;

/// <summary>Embeds a stream of texts into a <see cref="VectorWriter"/>, in order.</summary>
/// <param name="embed">Embeds one request (the CLI passes <see cref="Embedder.EmbedAsync"/>).</param>
/// <param name="options">Task, dimensions, normalisation, truncation, late chunking.</param>
internal sealed partial class EmbedPipeline(Func<EmbeddingRequest, CancellationToken, Task<EmbeddingResult>> embed, EmbedOptions options)
{
    /// <summary>Items per request: small enough to keep memory flat, large enough to amortise the per-request cost.</summary>
    public int ItemsPerRequest { get; init; } = 64;

    /// <summary>Requests in flight; together they should hold more tokens than one batch, so batches stay full.</summary>
    public int RequestsInFlight { get; init; } = 8;

    /// <summary>
    /// How an error names the item at a 0-based position of the whole input (the library's messages say
    /// <c>input[i]</c> within one request); default <c>input[position]</c>.
    /// </summary>
    public Func<long, string>? DescribeItem { get; init; }

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
        long items = 0, tokens = 0;
        if (options.LateChunking)
        {
            // The inputs are the chunks of one document: one request, so every chunk sees the whole context.
            var chunks = inputs.ToList();
            if (chunks.Count > 0)
            {
                var result = await embed(new EmbeddingRequest(chunks, options), cancellationToken).ConfigureAwait(false);
                await WriteAsync(result).ConfigureAwait(false);
            }

            return (items, tokens);
        }

        var inFlight = new Queue<(long Start, Task<EmbeddingResult> Task)>();
        var chunk = new List<EmbeddingInput>(ItemsPerRequest);
        long submitted = 0;
        foreach (var input in inputs)
        {
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
            await WriteAsync(await CompleteAsync(inFlight.Dequeue()).ConfigureAwait(false)).ConfigureAwait(false);
        }

        return (items, tokens);

        async Task SubmitAsync()
        {
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
                await WriteAsync(await CompleteAsync(inFlight.Dequeue()).ConfigureAwait(false)).ConfigureAwait(false);
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

        async Task WriteAsync(EmbeddingResult result)
        {
            // A multi-vector request (--multivector) yields one list of token vectors per item instead of one vector.
            if (result.MultiVectors is { } multiVectors)
            {
                foreach (var multiVector in multiVectors)
                {
                    await writer.WriteAsync(multiVector, cancellationToken).ConfigureAwait(false);
                }

                items += multiVectors.Length;
            }
            else
            {
                foreach (var vector in result.Embeddings)
                {
                    await writer.WriteAsync(vector, cancellationToken).ConfigureAwait(false);
                }

                items += result.Embeddings.Length;
            }

            tokens += result.TokenCount;
            progress?.Report(items, tokens);
        }
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"input\[(\d+)\]")]
    private static partial System.Text.RegularExpressions.Regex ItemReference();
}
