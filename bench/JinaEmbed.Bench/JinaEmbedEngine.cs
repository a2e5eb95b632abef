// Our engine under test: the JinaEmbed forward pass (JinaV3Model) on the BF16 synthetic checkpoint.
using JinaEmbed.Compute;
using JinaEmbed.Models;

namespace JinaEmbed.Bench;

/// <summary>JinaEmbed's encoder; sequences of one call form one packed batch.</summary>
internal sealed class JinaEmbedEngine : IBenchEngine
{
    private readonly JinaV3Model _model;

    public JinaEmbedEngine(string checkpointDirectory, int threads)
    {
        _model = JinaV3Model.Load(checkpointDirectory, new ComputeContext(threads));
    }

    public string Name => "jinaembed";

    public long Run(IReadOnlyList<int[]> sequences, int task)
    {
        var adapters = Enumerable.Repeat(task, sequences.Count).ToArray();
        return _model.Forward(EncoderBatch.FromSequences(sequences, adapters)).Length;
    }

    public void Dispose() => _model.Dispose();
}
