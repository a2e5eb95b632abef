// JinaBinaryEmbeddingGenerator: bit i is set exactly where the library's vector is > 0, for each task and size.
using JinaEmbed.Embedding;
using JinaEmbed.Integration;
using Microsoft.Extensions.AI;

namespace JinaEmbed.Tests.Integration;

public sealed class JinaBinaryEmbeddingGeneratorTests(TinyModelFixture model) : IClassFixture<TinyModelFixture>
{
    private static readonly string[] Texts = ["Binary vectors are compact.", "Двоичные векторы компактны.", "Les vecteurs binaires sont compacts."];

    [Theory]
    [InlineData(JinaTask.RetrievalQuery, null)]
    [InlineData(JinaTask.RetrievalPassage, 64)]
    [InlineData(JinaTask.TextMatching, 32)]
    [InlineData(JinaTask.Separation, 16)]
    [InlineData(JinaTask.Classification, 8)]
    [InlineData(JinaTask.None, 24)]
    public async Task Bits_are_the_signs_of_the_librarys_vectors(JinaTask task, int? dimensions)
    {
        using var generator = new JinaBinaryEmbeddingGenerator(model.Embedder);

        var embeddings = await generator.GenerateAsync(Texts, new EmbeddingGenerationOptions { Dimensions = dimensions }.WithTask(task));

        var expected = model.Embedder.Embed(Texts, new EmbedOptions { Task = task.ToTaskName(), Dimensions = dimensions });
        Assert.Equal(Texts.Length, embeddings.Count);
        for (var i = 0; i < Texts.Length; i++)
        {
            var bits = embeddings[i].Vector;
            Assert.Equal(dimensions ?? model.HiddenSize, bits.Length);
            var compared = 0;
            for (var d = 0; d < bits.Length; d++)
            {
                // A value within float noise of zero may take either sign on the scheduled path; only the others are compared.
                if (MathF.Abs(expected[i][d]) > VectorAssert.Tolerance)
                {
                    Assert.True(bits[d] == expected[i][d] > 0f, $"item {i} dim {d}: bit {bits[d]}, value {expected[i][d]}");
                    compared++;
                }
            }

            Assert.True(compared >= bits.Length / 2, $"item {i}: only {compared} of {bits.Length} dimensions away from 0");
        }

        Assert.True(embeddings.Usage!.TotalTokenCount > 0);
        Assert.Equal(model.HiddenSize, generator.Metadata.DefaultModelDimensions);
    }

    [Fact]
    public void Sign_quantisation_sets_only_positive_dimensions()
    {
        var bits = JinaBinaryEmbeddingGenerator.ToBits([0.5f, -0.25f, 0f, 1e-9f, -0f, float.NegativeInfinity, 3f, -1f, 2f]);

        bool[] expected = [true, false, false, true, false, false, true, false, true];
        Assert.Equal(expected, bits.Cast<bool>());
    }
}
