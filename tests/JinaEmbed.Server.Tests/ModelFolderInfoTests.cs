// Model metadata the server reports and validates tasks with, read from a model folder's config.json.
namespace JinaEmbed.Server.Tests;

public class ModelFolderInfoTests
{
    [Fact]
    public void ReadsTasksInAdapterOrderWithTheirPrompts()
    {
        var info = ModelFolderInfo.Read(Fixtures.Path("tiny-jina-v3"));
        Assert.Equal("tiny-jina-v3", info.Name);
        Assert.Null(info.Revision);
        Assert.Equal("bfloat16", info.WeightType);
        Assert.Equal(["retrieval.query", "retrieval.passage", "separation", "classification", "text-matching"], info.Tasks.Select(t => t.Name));
        Assert.Equal([0, 1, 2, 3, 4], info.Tasks.Select(t => t.Adapter));
        Assert.Equal("Represent the query for retrieving evidence documents: ", info.Tasks[0].Prompt);
        Assert.Equal("Represent the document for retrieval: ", info.Tasks[1].Prompt);
        Assert.Equal(string.Empty, info.Tasks[4].Prompt);
        Assert.Equal((-1, string.Empty), info.Resolve(null));
        Assert.Equal((1, "Represent the document for retrieval: "), info.Resolve("retrieval.passage"));
        Assert.Throws<JinaEmbed.Embedding.EmbeddingException>(() => info.Resolve("retrieval"));
    }

    [Fact]
    public void AHubCacheSnapshotReportsItsRepositoryAndCommit()
    {
        var root = Directory.CreateTempSubdirectory("jinaembed-hub");
        try
        {
            var snapshot = Directory.CreateDirectory(Path.Combine(root.FullName, "models--jinaai--jina-embeddings-v3", "snapshots", "0123456789abcdef0123456789abcdef01234567"));
            File.Copy(Fixtures.Path("tiny-jina-v3", "config.json"), Path.Combine(snapshot.FullName, "config.json"));
            var info = ModelFolderInfo.Read(snapshot.FullName);
            Assert.Equal("jina-embeddings-v3", info.Name);
            Assert.Equal("0123456789abcdef0123456789abcdef01234567", info.Revision);
        }
        finally
        {
            root.Delete(true);
        }
    }
}
