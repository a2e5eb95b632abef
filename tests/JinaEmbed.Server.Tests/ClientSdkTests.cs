// The official OpenAI .NET SDK and Microsoft.Extensions.AI.OpenAI, pointed at the server, get the library's vectors.
using System.ClientModel;
using JinaEmbed.Embedding;
using Microsoft.Extensions.AI;
using OpenAI;
using OpenAI.Embeddings;

namespace JinaEmbed.Server.Tests;

public class ClientSdkTests
{
    private static readonly string[] Texts = ["The cat sat on the mat.", "Ein Hund bellt.", "", "embeddings over HTTP"];

    internal static async Task AssertSdkClientsMatchAsync(RunningServer server, Func<EmbeddingRequest, Task<float[][]>> library, int dimensions)
    {
        var client = new EmbeddingClient("jina-embeddings-v3", new ApiKeyCredential("unused"), new OpenAIClientOptions { Endpoint = new Uri(server.Server.BaseAddress, "v1") });
        var expectedFull = await library(new EmbeddingRequest([.. Texts.Select(EmbeddingInput.FromText)], new EmbedOptions { Task = "text-matching" }));
        var expectedCut = await library(new EmbeddingRequest([.. Texts.Select(EmbeddingInput.FromText)], new EmbedOptions { Task = "text-matching", Dimensions = dimensions }));

        var sdk = (await client.GenerateEmbeddingsAsync(Texts)).Value;
        Assert.Equal(Texts.Length, sdk.Count);
        for (int i = 0; i < Texts.Length; i++)
        {
            Assert.Equal(i, sdk[i].Index);
            Vectors.AssertClose(expectedFull[i], sdk[i].ToFloats().ToArray(), 1e-5, $"OpenAI SDK item {i}");
        }

        var sdkCut = (await client.GenerateEmbeddingsAsync(Texts, new OpenAI.Embeddings.EmbeddingGenerationOptions { Dimensions = dimensions })).Value;
        for (int i = 0; i < Texts.Length; i++)
        {
            Vectors.AssertClose(expectedCut[i], sdkCut[i].ToFloats().ToArray(), 1e-5, $"OpenAI SDK item {i}, {dimensions} dimensions");
        }

        var single = (await client.GenerateEmbeddingAsync(Texts[1])).Value;
        Vectors.AssertClose(expectedFull[1], single.ToFloats().ToArray(), 1e-5, "OpenAI SDK single");

        IEmbeddingGenerator<string, Embedding<float>> generator = client.AsIEmbeddingGenerator();
        var generated = await generator.GenerateAsync(Texts);
        for (int i = 0; i < Texts.Length; i++)
        {
            Vectors.AssertClose(expectedFull[i], generated[i].Vector.ToArray(), 1e-5, $"Microsoft.Extensions.AI item {i}");
        }

        var generatedCut = await generator.GenerateAsync(Texts, new Microsoft.Extensions.AI.EmbeddingGenerationOptions { Dimensions = dimensions });
        for (int i = 0; i < Texts.Length; i++)
        {
            Vectors.AssertClose(expectedCut[i], generatedCut[i].Vector.ToArray(), 1e-5, $"Microsoft.Extensions.AI item {i}, {dimensions} dimensions");
        }
    }

    [Fact]
    public async Task OpenAiSdkAndExtensionsAiGetTheBackendsVectors()
    {
        await using var server = await RunningServer.StartToyAsync();
        await AssertSdkClientsMatchAsync(server, async r => (await server.Toy!.EmbedAsync(r, CancellationToken.None)).Embeddings, 8);
    }
}
