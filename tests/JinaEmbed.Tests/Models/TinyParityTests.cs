// Token states and pooled vectors of the tiny checkpoint against Jina's official PyTorch code (tiny-jina-v3/expected.json),
// for both the BF16 and the F32 file: every single case, padded batch, mixed-task batch, ~3000-token inputs, Matryoshka.
using JinaEmbed.Embedding;
using JinaEmbed.Models;

namespace JinaEmbed.Tests.Models;

public sealed class TinyParityTests(TinyFixture fixture, Xunit.Abstractions.ITestOutputHelper output) : IDisposable, IClassFixture<TinyFixture>
{
    private const double StateTolerance = 1e-4;
    private const double PooledTolerance = 1e-5;
    private double _stateMax;
    private double _pooledMax;

    [Theory]
    [InlineData("BF16")]
    [InlineData("F32")]
    public void SingleCases_MatchOfficialCode(string dtype)
    {
        var model = fixture.Model(dtype);
        int h = model.HiddenSize, count = 0;
        foreach (var c in fixture.Cases("single"))
        {
            string id = c.GetProperty("id").GetString()!;
            var ids = Parity.Ints(c.GetProperty("input_ids"));
            var states = model.Forward(EncoderBatch.FromSequences([ids], [Parity.TaskId(c) ?? -1]));
            _stateMax = Math.Max(_stateMax, Parity.Within(states, Parity.Rows(c.GetProperty("last_hidden_state")), StateTolerance, $"{id} token states"));
            var mean = Pooling.Mean(states, h, 0, ids.Length);
            _pooledMax = Math.Max(_pooledMax, Parity.Within(mean, Parity.Floats(c.GetProperty("unnormalized")), PooledTolerance, $"{id} mean"));
            _pooledMax = Math.Max(_pooledMax, Parity.Within(Matryoshka.Apply(mean, h, true), Parity.Floats(c.GetProperty("embedding")), PooledTolerance, $"{id} embedding"));
            foreach (var m in c.GetProperty("matryoshka").EnumerateObject())
            {
                _pooledMax = Math.Max(_pooledMax, Parity.Within(Matryoshka.Apply(mean, int.Parse(m.Name), true), Parity.Floats(m.Value), PooledTolerance, $"{id} matryoshka {m.Name}"));
            }

            count++;
        }

        Assert.Equal(72, count);
    }

    [Theory]
    [InlineData("BF16", "padded_batch")]
    [InlineData("F32", "padded_batch")]
    [InlineData("BF16", "mixed_task_batch")]
    [InlineData("F32", "mixed_task_batch")]
    public void Batches_MatchOfficialCode(string dtype, string kind)
    {
        var model = fixture.Model(dtype);
        int h = model.HiddenSize;
        var cases = fixture.Cases(kind).ToList();
        Assert.NotEmpty(cases);
        foreach (var c in cases)
        {
            var rows = c.GetProperty("input_ids").EnumerateArray().Select(Parity.Ints).ToList();
            var adapters = kind == "mixed_task_batch"
                ? Parity.Ints(c.GetProperty("adapter_mask"))
                : Enumerable.Repeat(Parity.TaskId(c) ?? -1, rows.Count).ToArray();
            var batch = EncoderBatch.FromSequences(rows, adapters);
            var states = model.Forward(batch);
            var expectedStates = c.GetProperty("last_hidden_state").EnumerateArray().ToList();
            var expectedEmbeddings = c.GetProperty("embeddings").EnumerateArray().ToList();
            for (int r = 0; r < rows.Count; r++)
            {
                int start = batch.SequenceStarts[r], end = batch.SequenceStarts[r + 1];
                _stateMax = Math.Max(_stateMax, Parity.Within(states.AsSpan(start * h, (end - start) * h), Parity.Rows(expectedStates[r]), StateTolerance, $"{kind} row {r} states"));
                var vector = Matryoshka.Apply(Pooling.Mean(states, h, start, end), h, true);
                _pooledMax = Math.Max(_pooledMax, Parity.Within(vector, Parity.Floats(expectedEmbeddings[r]), PooledTolerance, $"{kind} row {r} embedding"));
            }
        }
    }

    [Theory]
    [InlineData("BF16")]
    [InlineData("F32")]
    public void LongInputs_MatchOfficialCode(string dtype)
    {
        var model = fixture.Model(dtype);
        int h = model.HiddenSize;
        var cases = fixture.Cases("long").ToList();
        Assert.Equal(2, cases.Count);
        foreach (var c in cases)
        {
            var ids = Parity.Ints(c.GetProperty("input_ids"));
            Assert.True(ids.Length > 3000);
            var states = model.Forward(EncoderBatch.FromSequences([ids], [Parity.TaskId(c) ?? -1]));
            foreach (var row in c.GetProperty("token_states_rows").EnumerateObject())
            {
                int t = int.Parse(row.Name);
                _stateMax = Math.Max(_stateMax, Parity.Within(states.AsSpan(t * h, h), Parity.Floats(row.Value), StateTolerance, $"long row {t}"));
            }

            var mean = Pooling.Mean(states, h, 0, ids.Length);
            _pooledMax = Math.Max(_pooledMax, Parity.Within(mean, Parity.Floats(c.GetProperty("unnormalized")), PooledTolerance, "long mean"));
            _pooledMax = Math.Max(_pooledMax, Parity.Within(Matryoshka.Apply(mean, h, true), Parity.Floats(c.GetProperty("embedding")), PooledTolerance, "long embedding"));
            foreach (var m in c.GetProperty("matryoshka").EnumerateObject())
            {
                _pooledMax = Math.Max(_pooledMax, Parity.Within(Matryoshka.Apply(mean, int.Parse(m.Name), true), Parity.Floats(m.Value), PooledTolerance, $"long matryoshka {m.Name}"));
            }
        }
    }

    [Theory]
    [InlineData("BF16")]
    [InlineData("F32")]
    public void LongInputsPackedWithOtherTasks_MatchOfficialCode(string dtype)
    {
        // One packed batch: long input (no task), a short one with another task, long input (task 1). The feed-forward
        // chunks (EncoderBlock.FeedForwardRows) and the attention blocks then cut across sequences and adapter runs.
        var model = fixture.Model(dtype);
        int h = model.HiddenSize;
        var longCases = fixture.Cases("long").ToList();
        var shortCase = fixture.Cases("single").First(c => Parity.TaskId(c) is int t && t != Parity.TaskId(longCases[1]));
        var members = new[] { longCases[0], shortCase, longCases[1] };
        var batch = EncoderBatch.FromSequences(
            members.Select(c => Parity.Ints(c.GetProperty("input_ids"))).ToList(),
            members.Select(c => Parity.TaskId(c) ?? -1).ToArray());
        Assert.True(batch.TokenCount > 3 * EncoderBlock.FeedForwardRows);
        var states = model.Forward(batch);

        for (int m = 0; m < members.Length; m++)
        {
            int start = batch.SequenceStarts[m], end = batch.SequenceStarts[m + 1];
            if (m == 1)
            {
                _stateMax = Math.Max(_stateMax, Parity.Within(states.AsSpan(start * h, (end - start) * h), Parity.Rows(members[m].GetProperty("last_hidden_state")), StateTolerance, "short member states"));
            }
            else
            {
                foreach (var row in members[m].GetProperty("token_states_rows").EnumerateObject())
                {
                    int t = start + int.Parse(row.Name);
                    _stateMax = Math.Max(_stateMax, Parity.Within(states.AsSpan(t * h, h), Parity.Floats(row.Value), StateTolerance, $"long member {m} row {row.Name}"));
                }
            }

            var mean = Pooling.Mean(states, h, start, end);
            _pooledMax = Math.Max(_pooledMax, Parity.Within(mean, Parity.Floats(members[m].GetProperty("unnormalized")), PooledTolerance, $"member {m} mean"));
        }
    }

    [Fact]
    public void Bf16AndF32Files_GiveIdenticalStates()
    {
        var c = fixture.Cases("single").First(e => e.GetProperty("task_id").ValueKind != System.Text.Json.JsonValueKind.Null);
        var batch = EncoderBatch.FromSequences([Parity.Ints(c.GetProperty("input_ids"))], [Parity.TaskId(c)!.Value]);
        Assert.Equal(fixture.Bf16.Forward(batch), fixture.F32.Forward(batch));
    }

    // Measured differences, for the record (dotnet test --logger "console;verbosity=detailed").
    public void Dispose() => output.WriteLine($"max abs diff: token states {_stateMax:E2}, pooled {_pooledMax:E2}");
}
