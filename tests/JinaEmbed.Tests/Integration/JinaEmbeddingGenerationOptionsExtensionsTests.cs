// The typed task / late-chunking / truncation options and their storage in AdditionalProperties.
using System.Text.Json;
using JinaEmbed.Integration;
using Microsoft.Extensions.AI;

namespace JinaEmbed.Tests.Integration;

public sealed class JinaEmbeddingGenerationOptionsExtensionsTests
{
    [Theory]
    [InlineData(JinaTask.None, "none")]
    [InlineData(JinaTask.RetrievalQuery, "retrieval.query")]
    [InlineData(JinaTask.RetrievalPassage, "retrieval.passage")]
    [InlineData(JinaTask.Separation, "separation")]
    [InlineData(JinaTask.Classification, "classification")]
    [InlineData(JinaTask.TextMatching, "text-matching")]
    [InlineData(JinaTask.CodeQuery, "code.query")]
    [InlineData(JinaTask.CodePassage, "code.passage")]
    public void WithTask_stores_the_task_name_and_reads_it_back(JinaTask task, string name)
    {
        var options = new EmbeddingGenerationOptions().WithTask(task);

        Assert.Equal(name, options.AdditionalProperties![JinaEmbeddingGenerationOptionsExtensions.TaskKey]);
        Assert.Equal(name, options.GetTaskName());
        Assert.True(JinaTaskExtensions.TryParseTaskName(name, out var parsed));
        Assert.Equal(task, parsed);
    }

    [Fact]
    public void Unset_options_have_no_task_no_late_chunking_and_no_truncation_preference()
    {
        Assert.Null(((EmbeddingGenerationOptions?)null).GetTaskName());
        Assert.Null(new EmbeddingGenerationOptions().GetTaskName());
        Assert.False(new EmbeddingGenerationOptions().GetLateChunking());
        Assert.Null(new EmbeddingGenerationOptions().GetTruncation());
    }

    [Fact]
    public void Flags_round_trip_and_keep_other_properties()
    {
        var options = new EmbeddingGenerationOptions { AdditionalProperties = new() { ["other"] = 1 } }
            .WithTask(JinaTask.RetrievalPassage).WithLateChunking().WithTruncation(false);

        Assert.True(options.GetLateChunking());
        Assert.False(options.GetTruncation());
        Assert.Equal(1, options.AdditionalProperties!["other"]);
        Assert.Equal("retrieval.passage", options.Clone().GetTaskName());
    }

    [Fact]
    public void Values_that_arrived_as_json_or_as_the_enum_are_understood()
    {
        using var json = JsonDocument.Parse("""{"task": "retrieval.query", "late": true}""");
        var options = new EmbeddingGenerationOptions
        {
            AdditionalProperties = new()
            {
                [JinaEmbeddingGenerationOptionsExtensions.TaskKey] = json.RootElement.GetProperty("task").Clone(),
                [JinaEmbeddingGenerationOptionsExtensions.LateChunkingKey] = json.RootElement.GetProperty("late").Clone(),
            },
        };

        Assert.Equal("retrieval.query", options.GetTaskName());
        Assert.True(options.GetLateChunking());

        options.AdditionalProperties[JinaEmbeddingGenerationOptionsExtensions.TaskKey] = JinaTask.Classification;
        Assert.Equal("classification", options.GetTaskName());
    }

    [Fact]
    public void A_task_of_the_wrong_type_is_an_argument_error()
    {
        var options = new EmbeddingGenerationOptions { AdditionalProperties = new() { [JinaEmbeddingGenerationOptionsExtensions.TaskKey] = 3.5 } };

        Assert.Throws<ArgumentException>(() => options.GetTaskName());
        Assert.Throws<ArgumentException>(() => new EmbeddingGenerationOptions().WithTask(" "));
        Assert.False(JinaTaskExtensions.TryParseTaskName("summarization", out _));
    }

    [Fact]
    public void Options_with_a_task_serialize_for_cache_keys()
    {
        // Caching middleware hashes the options as JSON; the stored values must serialize with the AI defaults.
        var options = new EmbeddingGenerationOptions { Dimensions = 16 }.WithTask(JinaTask.RetrievalQuery).WithLateChunking();

        var json = JsonSerializer.Serialize(options, AIJsonUtilities.DefaultOptions);

        Assert.Contains("retrieval.query", json, StringComparison.Ordinal);
        Assert.Contains("jina.late_chunking", json, StringComparison.Ordinal);
    }
}
