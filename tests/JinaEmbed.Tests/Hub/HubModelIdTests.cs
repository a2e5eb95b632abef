// Hub ids as --model accepts them: org/name with an optional @revision (issue #7).
using JinaEmbed.Hub;

namespace JinaEmbed.Tests.Hub;

public sealed class HubModelIdTests
{
    [Theory]
    [InlineData("jinaai/jina-embeddings-v3", "jinaai/jina-embeddings-v3", "main")]
    [InlineData("jinaai/jina-embeddings-v3@v1.0", "jinaai/jina-embeddings-v3", "v1.0")]
    [InlineData("org/name@refs/pr/1", "org/name", "refs/pr/1")]
    [InlineData("sentence-transformers/all-MiniLM-L6-v2@0123456789abcdef0123456789abcdef01234567", "sentence-transformers/all-MiniLM-L6-v2", "0123456789abcdef0123456789abcdef01234567")]
    public void Parses(string text, string repository, string revision)
    {
        var id = HubModelId.Parse(text);
        Assert.Equal(repository, id.Repository);
        Assert.Equal(revision, id.Revision);
        Assert.Equal(revision.Length == 40, id.IsCommit);
    }

    [Theory]
    [InlineData("jina-embeddings-v3")]
    [InlineData("/abs/path")]
    [InlineData("./models/x")]
    [InlineData("a/b/c")]
    [InlineData("org/name@")]
    [InlineData("org/na--me")]
    [InlineData("org/../x")]
    [InlineData("org/name@../x")]
    [InlineData("")]
    public void RejectsWhatIsNotAHubId(string text)
    {
        Assert.False(HubModelId.TryParse(text, out _));
        Assert.Equal(HubErrorKind.InvalidModelId, Assert.Throws<HubException>(() => HubModelId.Parse(text)).Kind);
    }
}
