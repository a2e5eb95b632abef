// The OpenAIClient sample against the real server on the tiny model (loopback, free port): the typed OpenAI call and
// the sample's Jina-dialect task request both return the library's vectors.
using JinaEmbed.Embedding;
using JinaEmbed.Samples.OpenAIClient;
using JinaEmbed.Server;
using OpenAI.Embeddings;

namespace JinaEmbed.Tests.Integration;

public sealed class OpenAIClientSampleTests(TinyModelFixture model) : IClassFixture<TinyModelFixture>
{
    private static readonly string[] Texts = ["How do I bake sourdough bread?", "Sourdough needs a starter, flour, water and salt.", "The train leaves at noon."];

    [Fact]
    public async Task The_sample_gets_the_librarys_vectors_from_the_server()
    {
        await using var server = await EmbeddingServer.StartAsync(new ServerOptions { Port = 0, Threads = 1 }, model.ModelDirectory);
        await server.Ready;
        var client = JinaServerClient.Create(server.BaseAddress);

        OpenAIEmbeddingCollection typed = await client.GenerateEmbeddingsAsync(Texts, new EmbeddingGenerationOptions { Dimensions = 16 });
        var query = await JinaTaskRequest.EmbedAsync(client, Texts[..1], "retrieval.query", 32);
        var passages = await JinaTaskRequest.EmbedAsync(client, Texts[1..], "retrieval.passage");

        // The server's default task is text-matching; usage counts every token, prompt and specials included.
        var expectedTyped = model.Embedder.Embed(Texts, new EmbedOptions { Task = "text-matching", Dimensions = 16 });
        for (var i = 0; i < Texts.Length; i++)
        {
            VectorAssert.Close(expectedTyped[i], typed[i].ToFloats().Span, $"typed item {i}");
        }

        Assert.Equal(Texts.Sum(t => model.Embedder.Tokenizer.Encode(t).Count), typed.Usage.TotalTokenCount);
        VectorAssert.Close(model.Embedder.Embed(Texts[..1], new EmbedOptions { Task = "retrieval.query", Dimensions = 32 })[0], query[0], "query");
        var expectedPassages = model.Embedder.Embed(Texts[1..], new EmbedOptions { Task = "retrieval.passage" });
        Assert.Equal(2, passages.Length);
        for (var i = 0; i < passages.Length; i++)
        {
            VectorAssert.Close(expectedPassages[i], passages[i], $"passage {i}");
        }
    }
}
