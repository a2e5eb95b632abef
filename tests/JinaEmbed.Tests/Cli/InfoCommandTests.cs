// `jinaembed info` on the tiny fixture: config facts, tasks and prompts, weights and memory (issue #7).
using System.Text.Json;
using JinaEmbed.Cli.Commands;

namespace JinaEmbed.Tests.Cli;

public sealed class InfoCommandTests
{
    [Fact]
    public async Task Text_ListsTasksPromptsWeightsAndMemory()
    {
        var (exitCode, output, _) = await CliRunner.RunAsync(InfoCommand.Create(), "info", "--model", Fixtures.Path("tiny-jina-v3"));

        Assert.Equal(0, exitCode);
        Assert.Contains("3 layers, hidden 64, 4 heads, MLP 256, vocabulary 8002", output, StringComparison.Ordinal);
        Assert.Contains("retrieval.query     adapter 0  prompt \"Represent the query for retrieving evidence documents: \"", output, StringComparison.Ordinal);
        Assert.Contains("text-matching       adapter 4  prompt \"\"", output, StringComparison.Ordinal);
        Assert.Contains("none", output, StringComparison.Ordinal);
        Assert.Contains("model.safetensors 1.71 MiB, BF16, 72 tensors, 893,052 parameters", output, StringComparison.Ordinal);
        Assert.Contains("Matryoshka: 8, 16, 32, 64", output, StringComparison.Ordinal);
        Assert.Contains("--precision int8 holds the linear layers' weights in ≈ 150.75 KiB instead of 288.0 KiB as stored (0.52×)", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Json_CountsTheLoadedWeightsOnce()
    {
        var (exitCode, output, _) = await CliRunner.RunAsync(InfoCommand.Create(), "info", "--model", Fixtures.Path("tiny-jina-v3"), "--json");

        Assert.Equal(0, exitCode);
        using var json = JsonDocument.Parse(output);
        var root = json.RootElement;
        Assert.Equal(893_052, root.GetProperty("parameters").GetInt64());
        Assert.Equal(new FileInfo(Fixtures.Path("tiny-jina-v3", "model.safetensors")).Length, root.GetProperty("weight_bytes").GetInt64());
        Assert.Equal(893_052L * 4, root.GetProperty("memory_estimate").GetProperty("fp32_weight_bytes").GetInt64());
        // Per layer Wqkv [192, 64], out_proj [64, 64], fc1 [256, 64], fc2 [64, 256] (embeddings, pooler and LoRA aside):
        // BF16 2 bytes each; int8 one byte each plus a 4-byte scale per output (every dimension a whole panel and group).
        long elements = (192 * 64) + (64 * 64) + (256 * 64) + (64 * 256), outputs = 192 + 64 + 256 + 64;
        Assert.Equal(3 * elements * 2, root.GetProperty("memory_estimate").GetProperty("linear_weight_bytes").GetInt64());
        Assert.Equal(3 * (elements + (outputs * 4)), root.GetProperty("memory_estimate").GetProperty("int8_linear_weight_bytes").GetInt64());
        // The limit embed and serve enforce (ModelInfo.MaxTokens), <s> and </s> included.
        Assert.Equal(8194, root.GetProperty("max_tokens").GetInt32());
        Assert.Equal(["<s>", "</s>"], root.GetProperty("special_tokens").EnumerateArray().Select(t => t.GetString()));
        Assert.Equal("Represent the document for retrieval: ", root.GetProperty("tasks").GetProperty("retrieval.passage").GetProperty("prompt").GetString());
        Assert.Equal(1, root.GetProperty("tasks").GetProperty("retrieval.passage").GetProperty("adapter").GetInt32());
    }

    [Fact]
    public async Task NotAModelFolder_FailsWithAMessage()
    {
        var empty = Directory.CreateTempSubdirectory("jinaembed-info-");
        try
        {
            var (exitCode, _, error) = await CliRunner.RunAsync(InfoCommand.Create(), "info", "--model", empty.FullName);
            Assert.Equal(1, exitCode);
            Assert.Contains("config.json", error, StringComparison.Ordinal);
        }
        finally
        {
            empty.Delete(recursive: true);
        }
    }
}
