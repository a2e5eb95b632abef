// Name and revision the server reports for a model folder.
namespace JinaEmbed.Server.Tests;

public class ModelFolderInfoTests
{
    [Fact]
    public void APlainFolderIsNamedAfterItself()
    {
        var info = ModelFolderInfo.FromPath(Fixtures.Path("tiny-jina-v3") + Path.DirectorySeparatorChar);
        Assert.Equal("tiny-jina-v3", info.Name);
        Assert.Null(info.Revision);
    }

    [Fact]
    public void AHubCacheSnapshotReportsItsRepositoryAndCommit()
    {
        var path = Path.Combine(Path.GetTempPath(), "hub", "models--jinaai--jina-embeddings-v3", "snapshots", "0123456789abcdef0123456789abcdef01234567");
        var info = ModelFolderInfo.FromPath(path);
        Assert.Equal("jina-embeddings-v3", info.Name);
        Assert.Equal("0123456789abcdef0123456789abcdef01234567", info.Revision);
    }
}
