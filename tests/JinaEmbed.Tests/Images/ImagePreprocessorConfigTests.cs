using JinaEmbed.Images;

namespace JinaEmbed.Tests.Images;

/// <summary>preprocessor_config.json (spec §3.3).</summary>
public sealed class ImagePreprocessorConfigTests
{
    [Fact]
    public void TheFixtureFileLoads()
    {
        var c = ImagePreprocessorConfig.Load(Fixtures.Path("tiny-jina-v4", "preprocessor_config.json"));
        Assert.Equal(3136, c.MinPixels);
        Assert.Equal(62720, c.MaxPixels);
        Assert.Equal((14, 2, 2), (c.PatchSize, c.MergeSize, c.TemporalPatchSize));
        Assert.Equal([0.48145466f, 0.4578275f, 0.40821073f], c.ImageMean);
        Assert.Equal([0.26862954f, 0.26130258f, 0.27577711f], c.ImageStd);
        Assert.Equal(0.00392156862745098, c.RescaleFactor);
        Assert.Null(c.Warning);
        Assert.Equal(1176, c.PatchInputSize);
    }

    [Fact]
    public void SizeKeysComeFirstThenMinMaxPixels()
    {
        var c = ImagePreprocessorConfig.Parse("""{"size": {"shortest_edge": 1000, "longest_edge": 50000}, "min_pixels": 3136, "max_pixels": 602112}""");
        Assert.Equal((1000, 50000), (c.MinPixels, c.MaxPixels));
        var d = ImagePreprocessorConfig.Parse("""{"min_pixels": 1000, "max_pixels": 50000}""");
        Assert.Equal((1000, 50000), (d.MinPixels, d.MaxPixels));
        Assert.Null(d.Warning);
    }

    [Fact]
    public void MissingBoundsUseJinasValuesWithAWarning()
    {
        var c = ImagePreprocessorConfig.Parse("""{"patch_size": 14}""");
        Assert.Equal((3136, 602112), (c.MinPixels, c.MaxPixels));
        Assert.NotNull(c.Warning);
        Assert.Contains("min_pixels (using 3136)", c.Warning);
        Assert.Contains("max_pixels (using 602112)", c.Warning);
        Assert.Equal(ImagePreprocessorConfig.Default.MaxPixels, c.MaxPixels);
    }

    [Theory]
    [InlineData("""{"patch_size": 0}""", "patch_size")]
    [InlineData("""{"patch_size": "14"}""", "patch_size must be an integer")]
    [InlineData("""{"merge_size": -2}""", "merge_size")]
    [InlineData("""{"min_pixels": 700000, "max_pixels": 602112}""", "min_pixels 700000 is above max_pixels")]
    [InlineData("""{"max_pixels": 100}""", "max_pixels must be at least 784")]
    [InlineData("""{"image_mean": [0.5, 0.5]}""", "image_mean must be a list of 3 numbers")]
    [InlineData("""{"image_std": [0.5, 0, 0.5]}""", "image_std[1] must be positive")]
    [InlineData("""{"rescale_factor": 0}""", "rescale_factor must be positive")]
    [InlineData("""{"resample": 2}""", "only 3 (bicubic)")]
    [InlineData("""{"do_normalize": false}""", "do_normalize is false")]
    [InlineData("""{"size": {"longest_edge": 1.5}}""", "size.longest_edge must be an integer")]
    [InlineData("""[1, 2]""", "expected a JSON object")]
    [InlineData("""{"patch_size": """, "not valid JSON")]
    public void BadValuesAreRefusedNamingTheKey(string json, string expected)
    {
        var e = Assert.Throws<InvalidDataException>(() => ImagePreprocessorConfig.Parse(json));
        Assert.Contains(expected, e.Message);
    }
}
