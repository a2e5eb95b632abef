// Many concurrent requests: cross-request batching without changing any vector, and 429s under overload with
// nothing lost (api.md "Batching and limits").
using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace JinaEmbed.Server.Tests;

public class LoadTests
{
    private static readonly string[] Tasks = ["retrieval.query", "retrieval.passage", "separation", "classification", "text-matching", "none"];

    /// <summary>Request i: a task and one to three texts of varied lengths.</summary>
    internal static string RequestBody(int i)
    {
        int items = 1 + (i % 3);
        var texts = Enumerable.Range(0, items).Select(k => string.Join(' ', Enumerable.Range(0, 1 + ((i * 7 + k * 13) % 40)).Select(w => $"w{(i + w) % 97}")));
        return JsonSerializer.Serialize(new Dictionary<string, object> { ["input"] = texts.ToArray(), ["task"] = Tasks[i % Tasks.Length] });
    }

    [Fact]
    public async Task ConcurrentRequestsOfAllTasksShareBatchesAndKeepTheirVectors()
    {
        var model = new ToyEncoderModel { DelayMilliseconds = 15 };
        await using var server = await RunningServer.StartToyAsync(model: model);
        const int count = 200;
        var expected = new float[count][][];
        for (int i = 0; i < count; i++)
        {
            expected[i] = RunningServer.Vectors(await server.EmbedAsync(RequestBody(i)));
        }

        var before = BatchRequests(await server.Http.GetStringAsync("/metrics"));
        var results = await Task.WhenAll(Enumerable.Range(0, count).Select(async i => RunningServer.Vectors(await server.EmbedAsync(RequestBody(i)))));
        for (int i = 0; i < count; i++)
        {
            Assert.Equal(expected[i].Length, results[i].Length);
            for (int k = 0; k < expected[i].Length; k++)
            {
                Vectors.AssertClose(expected[i][k], results[i][k], 1e-5, $"request {i} item {k}");
            }
        }

        var after = BatchRequests(await server.Http.GetStringAsync("/metrics"));
        double batches = after.Count - before.Count;
        double singleRequestBatches = after.AtMostOne - before.AtMostOne;
        Assert.True(batches > 0 && batches < count, $"{batches} batches for {count} concurrent requests");
        Assert.True(batches - singleRequestBatches > 0, "no batch carried more than one request");
    }

    [Fact]
    public async Task OverloadAnswers429WithRetryAfterAndLosesNothing()
    {
        var model = new ToyEncoderModel { DelayMilliseconds = 20 };
        await using var server = await RunningServer.StartToyAsync(o => o.QueueCapacity = 4, model);
        const int count = 60;
        var expected = new float[count][][];
        for (int i = 0; i < count; i++)
        {
            expected[i] = RunningServer.Vectors(await server.EmbedAsync(RequestBody(i)));
        }

        var outcomes = await Task.WhenAll(Enumerable.Range(0, count).Select(async i =>
        {
            using var response = await server.PostAsync("/v1/embeddings", RequestBody(i));
            var text = await response.Content.ReadAsStringAsync();
            return (Index: i, Status: (int)response.StatusCode, Text: text, RetryAfter: response.Headers.RetryAfter?.Delta);
        }));

        Assert.All(outcomes, o => Assert.True(o.Status is 200 or 429, $"request {o.Index}: {o.Status} {o.Text}"));
        var refused = outcomes.Where(o => o.Status == 429).ToArray();
        Assert.NotEmpty(refused);
        Assert.Contains(outcomes, o => o.Status == 200);
        foreach (var o in refused)
        {
            BadInputTests.AssertErrorBody(o.Text, "queue_full", null, "429");
            Assert.Equal(TimeSpan.FromSeconds(1), o.RetryAfter);
        }

        foreach (var o in outcomes.Where(o => o.Status == 200))
        {
            var vectors = RunningServer.Vectors(JsonDocument.Parse(o.Text).RootElement);
            Assert.Equal(expected[o.Index].Length, vectors.Length);
            for (int k = 0; k < vectors.Length; k++)
            {
                Vectors.AssertClose(expected[o.Index][k], vectors[k], 1e-5, $"request {o.Index} item {k}");
            }
        }

        // Once the burst is over the queue is empty again and requests succeed.
        await server.EmbedAsync(RequestBody(1));
        var metrics = await server.Http.GetStringAsync("/metrics");
        Assert.Matches(new Regex(@"^jinaembed_queue_depth 0$", RegexOptions.Multiline), metrics);
    }

    /// <summary>The requests-per-batch histogram: total batches and batches with at most one request.</summary>
    private static (double Count, double AtMostOne) BatchRequests(string metrics)
    {
        double Value(string pattern)
        {
            var match = Regex.Match(metrics, pattern, RegexOptions.Multiline);
            return match.Success ? double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture) : 0;
        }

        return (Value(@"^jinaembed_batch_requests_count (\S+)$"), Value(@"^jinaembed_batch_requests_bucket\{le=""1""\} (\S+)$"));
    }
}
