// The embed loop keeps input order with many requests in flight, and sends late chunking as one request (issue #7).
using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using JinaEmbed.Cli.IO;
using JinaEmbed.Embedding;

namespace JinaEmbed.Tests.Cli;

public sealed class EmbedPipelineTests
{
    // A stand-in for the library: each text's vector is [its number, its length]; later requests finish first.
    private static Func<EmbeddingRequest, CancellationToken, Task<EmbeddingResult>> FakeEmbed(ConcurrentBag<EmbeddingRequest> seen) =>
        async (request, _) =>
        {
            seen.Add(request);
            var first = int.Parse(request.Items[0].Text!, System.Globalization.CultureInfo.InvariantCulture);
            await Task.Delay(20 - Math.Min(first / 10, 19));
            var vectors = request.Items.Select(i => new[] { float.Parse(i.Text!, System.Globalization.CultureInfo.InvariantCulture), i.Text!.Length }).ToArray();
            return new EmbeddingResult(vectors, request.Items.Count * 3, TimeSpan.Zero, TimeSpan.Zero);
        };

    [Fact]
    public async Task Vectors_AreWrittenInInputOrder_WithRequestsInFlight()
    {
        var seen = new ConcurrentBag<EmbeddingRequest>();
        var pipeline = new EmbedPipeline(FakeEmbed(seen), new EmbedOptions { Task = "retrieval.passage" }) { ItemsPerRequest = 7, RequestsInFlight = 5 };
        using var output = new MemoryStream();
        var writer = VectorWriter.Create(OutputFormat.Jsonl, output);

        var (items, tokens) = await pipeline.RunAsync(Enumerable.Range(0, 1000).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)), writer, null, CancellationToken.None);
        await writer.CompleteAsync();

        Assert.Equal((1000L, 3000L), (items, tokens));
        var lines = Encoding.UTF8.GetString(output.ToArray()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(1000, lines.Length);
        for (var i = 0; i < lines.Length; i++)
        {
            using var json = JsonDocument.Parse(lines[i]);
            Assert.Equal(i, json.RootElement.GetProperty("index").GetInt32());
            Assert.Equal(i, json.RootElement.GetProperty("embedding")[0].GetSingle());
        }

        Assert.Equal(143, seen.Count); // ceil(1000 / 7)
        Assert.All(seen, r => Assert.Equal("retrieval.passage", r.Options.Task));
    }

    [Fact]
    public async Task LateChunking_SendsAllItemsAsOneRequest()
    {
        var seen = new ConcurrentBag<EmbeddingRequest>();
        var pipeline = new EmbedPipeline(FakeEmbed(seen), new EmbedOptions { LateChunking = true }) { ItemsPerRequest = 2 };
        using var output = new MemoryStream();
        var writer = VectorWriter.Create(OutputFormat.Csv, output);

        var (items, _) = await pipeline.RunAsync(["1", "2", "3", "4", "5"], writer, null, CancellationToken.None);

        Assert.Equal(5, items);
        var request = Assert.Single(seen);
        Assert.True(request.Options.LateChunking);
        Assert.Equal(5, request.Items.Count);
    }
}
