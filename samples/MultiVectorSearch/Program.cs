// MultiVectorSearch <v4 model folder or hub id> <folder of files> [query] [top k]
// Indexes every file of the folder as one passage with jina-embeddings-v4 (code.passage), then answers queries
// (code.query): single-vector cosine picks candidates, multi-vector MaxSim ranks them.
using System.Globalization;
using JinaEmbed.Embedding;
using JinaEmbed.Hub;
using JinaEmbed.Samples.MultiVectorSearch;

if (args.Length < 2)
{
    Console.Error.WriteLine("usage: MultiVectorSearch <v4 model folder or hub id> <folder of files> [query] [top k]");
    return 2;
}

var directory = await ModelSource.ResolveAsync(args[0]);
using var embedder = Embedder.Load(directory);
if (embedder.Info.MultiVectorDimensions == null)
{
    Console.Error.WriteLine($"{embedder.Info.Name} has no multi-vector head; this sample needs jina-embeddings-v4.");
    return 2;
}

var index = new MultiVectorIndex(embedder);
var files = Directory.EnumerateFiles(args[1], "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal).ToList();
foreach (var batch in files.Chunk(16))
{
    index.Add(batch.Select(f => (Path.GetRelativePath(args[1], f), File.ReadAllText(f))).ToList());
}

Console.Error.WriteLine($"indexed {index.Count} files");
var top = args.Length > 3 ? int.Parse(args[3], CultureInfo.InvariantCulture) : 3;
foreach (var query in args.Length > 2 ? [args[2]] : ReadQueries())
{
    Console.WriteLine($"> {query}");
    foreach (var hit in index.Search(query, top))
    {
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {hit.MaxSim,8:F3}  (cosine {hit.Cosine:F3})  {hit.Name}"));
    }
}

return 0;

static IEnumerable<string> ReadQueries()
{
    while (Console.ReadLine() is { } line)
    {
        if (line.Trim().Length > 0)
        {
            yield return line;
        }
    }
}
