// Our engine under test: the JinaEmbed forward pass on the BF16 synthetic checkpoint.
namespace JinaEmbed.Bench;

/// <summary>JinaEmbed's encoder.</summary>
internal sealed class JinaEmbedEngine : IBenchEngine
{
    public JinaEmbedEngine(string checkpointDirectory, int threads)
    {
        _ = checkpointDirectory;
        _ = threads;
        throw new NotSupportedException("The JinaEmbed forward pass has not landed on this branch yet.");
    }

    public string Name => "jinaembed";

    public long Run(IReadOnlyList<int[]> sequences, int task) => 0;

    public void Dispose()
    {
    }
}
