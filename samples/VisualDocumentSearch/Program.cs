// VisualDocumentSearch <v4 model folder or hub id> <folder of page images> [query] [top k]
// Indexes every PNG/JPEG/WebP/GIF/BMP page of the folder with jina-embeddings-v4 (retrieval.passage; single and
// multi vectors from one pass), then answers text queries (retrieval.query), printing the MaxSim ranking over the
// multi-vectors next to the cosine ranking over the single vectors.
using System.Globalization;
using JinaEmbed.Embedding;
using JinaEmbed.Hub;
using JinaEmbed.Samples.VisualDocumentSearch;

if (args.Length < 2)
{
    Console.Error.WriteLine("usage: VisualDocumentSearch <v4 model folder or hub id> <folder of page images> [query] [top k]");
    return 2;
}

var directory = await ModelSource.ResolveAsync(args[0]);
using var embedder = Embedder.Load(directory);
if (!embedder.Info.Modalities.Contains("image") || embedder.Info.MultiVectorDimensions == null)
{
    Console.Error.WriteLine($"{embedder.Info.Name} does not embed images with multi-vectors; this sample needs jina-embeddings-v4.");
    return 2;
}

string[] extensions = [".png", ".jpg", ".jpeg", ".webp", ".gif", ".bmp"];
var files = Directory.EnumerateFiles(args[1])
    .Where(f => extensions.Contains(Path.GetExtension(f), StringComparer.OrdinalIgnoreCase))
    .Order(StringComparer.Ordinal)
    .ToList();
var index = new VisualIndex(embedder);
foreach (var batch in files.Chunk(8))
{
    var pages = batch.Select(f => (Path.GetFileName(f), File.ReadAllBytes(f))).ToList();
    try
    {
        await index.AddAsync(pages);
    }
    catch (EmbeddingException e) when (e.Kind is EmbeddingErrorKind.InvalidImage or EmbeddingErrorKind.ImageTooLarge)
    {
        // One bad page fails its batch: index the batch page by page, skipping the bad ones.
        foreach (var page in pages)
        {
            try
            {
                await index.AddAsync([page]);
            }
            catch (EmbeddingException error) when (error.Kind is EmbeddingErrorKind.InvalidImage or EmbeddingErrorKind.ImageTooLarge)
            {
                Console.Error.WriteLine($"skipping {page.Item1}: {error.Message}");
            }
        }
    }
}

Console.Error.WriteLine($"indexed {index.Count} pages");
var top = args.Length > 3 ? int.Parse(args[3], CultureInfo.InvariantCulture) : 3;
foreach (var query in args.Length > 2 ? [args[2]] : ReadQueries())
{
    var rankings = await index.SearchAsync(query, top);
    Console.WriteLine($"> {query}");
    Console.WriteLine($"  {"MaxSim (multi-vector)",-40}  {"cosine (single vector)",-40}");
    for (var k = 0; k < Math.Max(rankings.ByMaxSim.Count, rankings.ByCosine.Count); k++)
    {
        var left = k < rankings.ByMaxSim.Count ? string.Create(CultureInfo.InvariantCulture, $"{rankings.ByMaxSim[k].MaxSim,8:F3}  {rankings.ByMaxSim[k].Name}") : "";
        var right = k < rankings.ByCosine.Count ? string.Create(CultureInfo.InvariantCulture, $"{rankings.ByCosine[k].Cosine,8:F3}  {rankings.ByCosine[k].Name}") : "";
        Console.WriteLine($"  {left,-40}  {right,-40}");
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
