// The peer: ONNX Runtime running Jina's official graph filled with the synthetic weights
// (tools/synth-jina-v3-onnx.py), same intra-op thread count as our engine (issue #4).
using Microsoft.ML.OnnxRuntime;

namespace JinaEmbed.Bench;

/// <summary>ONNX Runtime over the official jina-embeddings-v3 graph.</summary>
internal sealed class OnnxRuntimeEngine : IBenchEngine
{
    private readonly InferenceSession _session;
    private readonly RunOptions _runOptions = new();

    public OnnxRuntimeEngine(string modelPath, int threads)
    {
        using var options = new SessionOptions
        {
            IntraOpNumThreads = threads,
            InterOpNumThreads = 1,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
        };
        _session = new InferenceSession(modelPath, options);
    }

    public string Name => "onnxruntime";

    public long Run(IReadOnlyList<int[]> sequences, int task)
    {
        int batch = sequences.Count, length = sequences[0].Length;
        var ids = new long[batch * length];
        var mask = new long[batch * length];
        for (int s = 0; s < batch; s++)
        {
            for (int t = 0; t < length; t++)
            {
                ids[(s * length) + t] = sequences[s][t];
                mask[(s * length) + t] = 1;
            }
        }

        using var idsValue = OrtValue.CreateTensorValueFromMemory(ids, [batch, length]);
        using var maskValue = OrtValue.CreateTensorValueFromMemory(mask, [batch, length]);
        using var taskValue = OrtValue.CreateTensorValueFromMemory(new long[] { task }, []);
        using var outputs = _session.Run(
            _runOptions,
            ["input_ids", "attention_mask", "task_id"],
            [idsValue, maskValue, taskValue],
            ["text_embeds"]);
        return outputs[0].GetTensorTypeAndShape().ElementCount;
    }

    public void Dispose()
    {
        _runOptions.Dispose();
        _session.Dispose();
    }
}
