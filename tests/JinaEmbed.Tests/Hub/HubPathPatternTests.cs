// Which repository files a model download takes (issue #7).
using JinaEmbed.Hub;

namespace JinaEmbed.Tests.Hub;

public sealed class HubPathPatternTests
{
    [Theory]
    [InlineData("config.json", true)]
    [InlineData("tokenizer.json", true)]
    [InlineData("1_Pooling/config.json", true)]
    [InlineData("model.safetensors", true)]
    [InlineData("model-00001-of-00002.safetensors", true)]
    [InlineData("onnx/model.onnx", false)]
    [InlineData("onnx/model_fp16.onnx", false)]
    [InlineData("model.f32.safetensors", false)]
    [InlineData("custom_st.py", false)]
    [InlineData(".gitattributes", false)]
    [InlineData("a/b/config.json", false)]
    public void DefaultPatterns_TakeTheModelFilesOnly(string path, bool taken) =>
        Assert.Equal(taken, HubPathPattern.MatchesAny(path, HubOptions.DefaultAllowPatterns));

    [Theory]
    [InlineData("*.json", "x.json", true)]
    [InlineData("*.json", "dir/x.json", false)]
    [InlineData("a?c", "abc", true)]
    [InlineData("a?c", "a/c", false)]
    [InlineData("*", "", true)]
    [InlineData("a*b*c", "aXbYbZc", true)]
    [InlineData("a*b*c", "aXbYbZ", false)]
    public void Wildcards_StayInOneFolder(string pattern, string path, bool matches) =>
        Assert.Equal(matches, HubPathPattern.Matches(path, pattern));
}
