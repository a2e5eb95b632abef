// Full-size parity (jina-v3-full/expected.json, Jina's official ONNX graph on the synthetic weights): every task,
// the 5/11/20-token singles, the padded batch and the 1024-token input, token states ≤ 1e-4 and pooled ≤ 1e-5.
using System.Text.Json;
using JinaEmbed.Embedding;
using JinaEmbed.Models;

namespace JinaEmbed.Tests.Models;

public sealed class FullSizeParityTests(FullSizeFixture fixture, Xunit.Abstractions.ITestOutputHelper output) : IDisposable, IClassFixture<FullSizeFixture>
{
    private const double StateTolerance = 1e-4;
    private const double PooledTolerance = 1e-5;
    private double _stateMax;
    private double _pooledMax;

    [Theory]
    [InlineData("retrieval.query")]
    [InlineData("retrieval.passage")]
    [InlineData("separation")]
    [InlineData("classification")]
    [InlineData("text-matching")]
    public void EveryCaseOfTask_MatchesOfficialOnnxGraph(string task)
    {
        var model = fixture.Model;
        int h = model.HiddenSize;
        var cases = fixture.Expected.RootElement.GetProperty("cases").EnumerateArray().Where(c => c.GetProperty("task").GetString() == task).ToList();
        Assert.Equal(5, cases.Count);
        int adapter = cases[0].GetProperty("task_id").GetInt32();

        // All of a task's sequences in one packed batch: (sequence ids, expected states or rows, expected embedding).
        var sequences = new List<int[]>();
        var checks = new List<(string Label, JsonElement States, bool RowsOnly, JsonElement Embedding)>();
        foreach (var c in cases)
        {
            switch (c.GetProperty("kind").GetString())
            {
                case "single":
                    sequences.Add(Parity.Ints(c.GetProperty("input_ids")));
                    checks.Add((c.GetProperty("label").GetString()!, c.GetProperty("token_states"), false, c.GetProperty("embedding")));
                    break;
                case "padded_batch":
                    var rows = c.GetProperty("input_ids").EnumerateArray().ToList();
                    var states = c.GetProperty("token_states").EnumerateArray().ToList();
                    var embeddings = c.GetProperty("embeddings").EnumerateArray().ToList();
                    for (int r = 0; r < rows.Count; r++)
                    {
                        sequences.Add(Parity.Ints(rows[r]));
                        checks.Add(($"padded row {r}", states[r], false, embeddings[r]));
                    }

                    break;
                default:
                    var ids = Parity.Ints(c.GetProperty("input_ids"));
                    Assert.Equal(1024, ids.Length);
                    sequences.Add(ids);
                    checks.Add((c.GetProperty("label").GetString()!, c.GetProperty("token_states_rows"), true, c.GetProperty("embedding")));
                    break;
            }
        }

        var batch = EncoderBatch.FromSequences(sequences, Enumerable.Repeat(adapter, sequences.Count).ToArray());
        var result = model.Forward(batch);
        for (int s = 0; s < sequences.Count; s++)
        {
            var (label, expected, rowsOnly, embedding) = checks[s];
            int start = batch.SequenceStarts[s], end = batch.SequenceStarts[s + 1];
            if (rowsOnly)
            {
                foreach (var row in expected.EnumerateObject())
                {
                    int t = int.Parse(row.Name);
                    _stateMax = Math.Max(_stateMax, Parity.Within(result.AsSpan((start + t) * h, h), Parity.Floats(row.Value), StateTolerance, $"{task} {label} row {t}"));
                }
            }
            else
            {
                _stateMax = Math.Max(_stateMax, Parity.Within(result.AsSpan(start * h, (end - start) * h), Parity.Rows(expected), StateTolerance, $"{task} {label} states"));
            }

            var vector = Matryoshka.Apply(Pooling.Mean(result, h, start, end), h, true);
            _pooledMax = Math.Max(_pooledMax, Parity.Within(vector, Parity.Floats(embedding), PooledTolerance, $"{task} {label} embedding"));
        }
    }

    // Measured differences, for the record (dotnet test --logger "console;verbosity=detailed").
    public void Dispose() => output.WriteLine($"max abs diff: token states {_stateMax:E2}, pooled {_pooledMax:E2}");
}
