// Semantic search over a folder of .txt files with jina-embeddings-v3 in process (Microsoft.Extensions.AI + DI).
// Usage: SemanticSearch <model folder or hub id> <folder of .txt files> [query] [top k]; without a query, reads queries from stdin.
using JinaEmbed.Integration;
using JinaEmbed.Samples.SemanticSearch;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;

if (args.Length < 2)
{
    Console.Error.WriteLine("usage: SemanticSearch <model folder or hub id> <folder of .txt files> [query] [top k]");
    return 2;
}

await using var services = new ServiceCollection().AddJinaEmbeddings(args[0]).BuildServiceProvider();
var index = new SemanticSearchIndex(services.GetRequiredService<IEmbeddingGenerator<string, Embedding<float>>>());
await index.AddFolderAsync(args[1]);
Console.WriteLine($"indexed {index.Count} passages from {args[1]}");

var top = args.Length > 3 ? int.Parse(args[3], System.Globalization.CultureInfo.InvariantCulture) : 3;
foreach (var query in args.Length > 2 ? [args[2]] : ReadQueries())
{
    foreach (var hit in await index.SearchAsync(query, top))
    {
        Console.WriteLine($"{hit.Score:F4}  {hit.Document}#{hit.ChunkIndex}  {Shorten(hit.Text)}");
    }
}

return 0;

static IEnumerable<string> ReadQueries()
{
    Console.Error.Write("query> ");
    while (Console.ReadLine() is { } line)
    {
        if (line.Trim().Length > 0)
        {
            yield return line;
        }

        Console.Error.Write("query> ");
    }
}

static string Shorten(string text) => text.Length <= 100 ? text : text[..97] + "...";
