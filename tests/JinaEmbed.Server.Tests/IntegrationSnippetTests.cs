// The .NET snippets of docs/integrations.md, as written there, against a real server with an API key: each client
// must get exactly the server's own vectors.
using System.ClientModel;
using System.Text.Json;
using Microsoft.Extensions.AI;
using Microsoft.SemanticKernel;
using OpenAI;
using OpenAI.Embeddings;

namespace JinaEmbed.Server.Tests;

public class IntegrationSnippetTests
{
    private const string Key = "s3cret";
    private static readonly string[] Texts = ["first text", "second text"];

    [Fact]
    public async Task OpenAiDotNetSnippetGetsTheServersVectors()
    {
        await using var server = await RunningServer.StartTinyAsync(o => o.ApiKey = Key);
        var endpoint = new Uri(server.Server.BaseAddress, "v1");

        // docs/integrations.md "OpenAI .NET SDK"
        var client = new EmbeddingClient("jina-embeddings-v3", new ApiKeyCredential("s3cret"),
            new OpenAIClientOptions { Endpoint = endpoint });
        OpenAIEmbeddingCollection embeddings = await client.GenerateEmbeddingsAsync(Texts,
            new OpenAI.Embeddings.EmbeddingGenerationOptions { Dimensions = 32 });
        float[] first = embeddings[0].ToFloats().ToArray();

        var expected = await ServerVectorsAsync(server, 32);
        Vectors.AssertClose(expected[0], first, 1e-6, "OpenAI SDK item 0");
        Vectors.AssertClose(expected[1], embeddings[1].ToFloats().ToArray(), 1e-6, "OpenAI SDK item 1");
    }

    [Fact]
    public async Task ExtensionsAiSnippetGetsTheServersVectors()
    {
        await using var server = await RunningServer.StartTinyAsync(o => o.ApiKey = Key);
        var endpoint = new Uri(server.Server.BaseAddress, "v1");

        // docs/integrations.md "Microsoft.Extensions.AI"
        IEmbeddingGenerator<string, Embedding<float>> generator =
            new EmbeddingClient("jina-embeddings-v3", new ApiKeyCredential("s3cret"), new OpenAIClientOptions { Endpoint = endpoint })
                .AsIEmbeddingGenerator();
        GeneratedEmbeddings<Embedding<float>> vectors = await generator.GenerateAsync(Texts,
            new Microsoft.Extensions.AI.EmbeddingGenerationOptions { Dimensions = 32 });

        var expected = await ServerVectorsAsync(server, 32);
        for (int i = 0; i < Texts.Length; i++)
        {
            Vectors.AssertClose(expected[i], vectors[i].Vector.ToArray(), 1e-6, $"Microsoft.Extensions.AI item {i}");
        }
    }

    [Fact]
    public async Task SemanticKernelSnippetGetsTheServersVectors()
    {
        await using var server = await RunningServer.StartTinyAsync(o => o.ApiKey = Key);
        var endpoint = new Uri(server.Server.BaseAddress, "v1");

        // docs/integrations.md "Semantic Kernel"
        var openAi = new OpenAIClient(new ApiKeyCredential("s3cret"), new OpenAIClientOptions { Endpoint = endpoint });
#pragma warning disable SKEXP0010 // Semantic Kernel marks its embedding generator as experimental
        Kernel kernel = Kernel.CreateBuilder()
            .AddOpenAIEmbeddingGenerator("jina-embeddings-v3", openAi, dimensions: 32)
            .Build();
#pragma warning restore SKEXP0010
        var generator = kernel.GetRequiredService<IEmbeddingGenerator<string, Embedding<float>>>();
        GeneratedEmbeddings<Embedding<float>> vectors = await generator.GenerateAsync(Texts);

        var expected = await ServerVectorsAsync(server, 32);
        for (int i = 0; i < Texts.Length; i++)
        {
            Vectors.AssertClose(expected[i], vectors[i].Vector.ToArray(), 1e-6, $"Semantic Kernel item {i}");
        }
    }

    [Fact]
    public async Task BinaryEmbeddingTypeWinsOverEncodingFormatAsTheDocumentSays()
    {
        // The quirk docs/integrations.md warns of: the Python and Node SDKs ask for base64 unless told "float" and then
        // base64-decode whatever comes back. embedding_type decides the shape, so binary comes back as integers.
        await using var server = await RunningServer.StartTinyAsync();
        foreach (var format in new[] { "base64", "float" })
        {
            var response = await server.EmbedAsync($$"""{"input": ["a"], "embedding_type": "binary", "encoding_format": "{{format}}", "dimensions": 32}""");
            var embedding = response.GetProperty("data")[0].GetProperty("embedding");
            Assert.Equal(JsonValueKind.Array, embedding.ValueKind);
            Assert.Equal(4, embedding.GetArrayLength());
            Assert.All(embedding.EnumerateArray(), b => Assert.InRange(b.GetInt32(), -128, 127));
        }
    }

    /// <summary>The server's own float vectors for <see cref="Texts"/> (its default task, as the SDKs send none).</summary>
    private static async Task<float[][]> ServerVectorsAsync(RunningServer server, int dimensions)
    {
        using var response = await server.PostAsync("/v1/embeddings", JsonSerializer.Serialize(new { input = Texts, dimensions }), Key);
        string text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, text);
        return RunningServer.Vectors(JsonDocument.Parse(text).RootElement);
    }
}
