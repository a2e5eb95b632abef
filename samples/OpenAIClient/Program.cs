// The official OpenAI .NET SDK against a running `jinaembed serve`: the typed OpenAI call (dimensions, usage),
// then the Jina dialect's task field through the SDK's protocol method.
// Usage: OpenAIClient [server URL, default http://127.0.0.1:8080] [texts...]; an API key is read from JINAEMBED_API_KEY.
using JinaEmbed.Samples.OpenAIClient;
using OpenAI.Embeddings;

var server = new Uri(args.Length > 0 ? args[0] : "http://127.0.0.1:8080");
string[] texts = args.Length > 1 ? args[1..] : ["How do I bake sourdough bread?", "Sourdough needs a starter, flour, water and salt.", "The train leaves at noon."];

var client = JinaServerClient.Create(server, Environment.GetEnvironmentVariable("JINAEMBED_API_KEY"));

OpenAIEmbeddingCollection typed = await client.GenerateEmbeddingsAsync(texts, new EmbeddingGenerationOptions { Dimensions = Dimensions });
Console.WriteLine($"OpenAI dialect: {typed.Count} vectors of {typed[0].ToFloats().Length} dimensions, {typed.Usage.TotalTokenCount} tokens");

if (texts.Length < 2)
{
    return;
}

// Asymmetric retrieval: the first text as a query, the others as passages.
var query = await JinaTaskRequest.EmbedAsync(client, [texts[0]], "retrieval.query", Dimensions);
var passages = await JinaTaskRequest.EmbedAsync(client, texts[1..], "retrieval.passage", Dimensions);
for (var i = 0; i < passages.Length; i++)
{
    var score = query[0].Zip(passages[i], (a, b) => a * b).Sum();
    Console.WriteLine($"{score:F4}  {texts[i + 1]}");
}

internal static partial class Program
{
    // A Matryoshka size that both the real model (1024 wide) and the tiny test model (64 wide) support.
    private const int Dimensions = 32;
}
