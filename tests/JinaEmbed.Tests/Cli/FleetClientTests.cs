// The fleet client's pure parts (issue #17): Retry-After in both forms, backoff bounds, the request body.
using System.Net.Http.Headers;
using System.Text;
using JinaEmbed.Cli.Fleet;
using JinaEmbed.Embedding;

namespace JinaEmbed.Tests.Cli;

public sealed class FleetClientTests
{
    [Fact]
    public void RetryAfter_ReadsSecondsAndHttpDates()
    {
        Assert.Equal(TimeSpan.FromSeconds(7), FleetClient.RetryAfter(RetryConditionHeaderValue.Parse("7")));
        var inTenSeconds = FleetClient.RetryAfter(new RetryConditionHeaderValue(DateTimeOffset.UtcNow.AddSeconds(10)))!.Value;
        Assert.InRange(inTenSeconds, TimeSpan.FromSeconds(8), TimeSpan.FromSeconds(10));
        Assert.Equal(TimeSpan.Zero, FleetClient.RetryAfter(RetryConditionHeaderValue.Parse("Wed, 21 Oct 2015 07:28:00 GMT")));
        Assert.Null(FleetClient.RetryAfter(null));
    }

    [Fact]
    public void Backoff_DoublesWithJitter_UpToItsCap()
    {
        for (var failures = 1; failures <= 12; failures++)
        {
            var step = Math.Min(30_000, 500 * Math.Pow(2, failures - 1));
            var wait = FleetClient.Jittered(TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(30), failures).TotalMilliseconds;
            Assert.InRange(wait, step / 2, step);
        }
    }

    [Fact]
    public void RequestBody_IsTheJinaDialect_AskingForBase64()
    {
        var request = new EmbeddingRequest([EmbeddingInput.FromText("a \"quoted\" text"), EmbeddingInput.FromImage([1, 2, 3])],
            new EmbedOptions { Task = "retrieval.passage", Dimensions = 256, Normalize = false, Truncate = true, Output = EmbeddingOutput.MultiVector });

        var body = Encoding.UTF8.GetString(FleetClient.RequestBody(request));

        Assert.Equal("""{"input":[{"text":"a \"quoted\" text"},{"image":"AQID"}],"task":"retrieval.passage","dimensions":256,"normalized":false,"truncate":true,"return_multivector":true,"embedding_type":"base64"}""", body);
    }

    [Fact]
    public void RequestBody_RefusesTokenIds()
    {
        var request = new EmbeddingRequest([EmbeddingInput.FromText("x"), EmbeddingInput.FromTokenIds([0, 5, 2])]);

        var error = Assert.Throws<EmbeddingException>(() => FleetClient.RequestBody(request));
        Assert.Contains("input[1]", error.Message, StringComparison.Ordinal);
    }
}
