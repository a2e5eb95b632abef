// The environment variables huggingface_hub reads, read the same way (issue #7).
using JinaEmbed.Hub;

namespace JinaEmbed.Tests.Hub;

public sealed class HubOptionsTests
{
    private static HubOptions Read(params (string Name, string Value)[] variables)
    {
        var map = variables.ToDictionary(v => v.Name, v => v.Value);
        return HubOptions.FromEnvironment(name => map.GetValueOrDefault(name));
    }

    [Fact]
    public void Defaults_AreThePublicHubAndTheUserCache()
    {
        var options = Read(("HF_HOME", "/h"));
        Assert.Equal("https://huggingface.co", options.Endpoint);
        Assert.Equal(Path.Combine("/h", "hub"), options.CacheDirectory);
        Assert.False(options.Offline);
        Assert.Null(options.Token);

        var home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        Assert.Equal(Path.Combine(home, ".cache", "huggingface", "hub"), Read().CacheDirectory);
        Assert.Equal(Path.Combine("/x", "huggingface", "hub"), Read(("XDG_CACHE_HOME", "/x")).CacheDirectory);
    }

    [Fact]
    public void Variables_Override()
    {
        var options = Read(("HF_HOME", "/h"), ("HF_HUB_CACHE", "/c"), ("HF_ENDPOINT", "http://mirror:8000/"), ("HF_TOKEN", "hf_x"), ("HF_HUB_OFFLINE", "1"));
        Assert.Equal("/c", options.CacheDirectory);
        Assert.Equal("http://mirror:8000", options.Endpoint);
        Assert.Equal("hf_x", options.Token);
        Assert.True(options.Offline);
    }

    [Theory]
    [InlineData("1", true)]
    [InlineData("true", true)]
    [InlineData("YES", true)]
    [InlineData("on", true)]
    [InlineData("0", false)]
    [InlineData("false", false)]
    [InlineData("", false)]
    public void Offline_AcceptsHuggingFaceHubTruthyValues(string value, bool offline) =>
        Assert.Equal(offline, Read(("HF_HUB_OFFLINE", value)).Offline);

    [Fact]
    public void Token_ComesFromTheTokenFileUnderHfHome()
    {
        var home = Path.Combine(Path.GetTempPath(), "jinaembed-home-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(home);
        try
        {
            File.WriteAllText(Path.Combine(home, "token"), "hf_from_file\n");
            Assert.Equal("hf_from_file", Read(("HF_HOME", home)).Token);
            Assert.Equal("hf_env", Read(("HF_HOME", home), ("HF_TOKEN", "hf_env")).Token);
        }
        finally
        {
            Directory.Delete(home, recursive: true);
        }
    }
}
