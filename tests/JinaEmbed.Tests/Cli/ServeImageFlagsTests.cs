// `jinaembed serve`'s image flags reach ServerOptions (a flag left out keeps the configured value), and a malformed
// host list stops the command before anything is bound.
using System.CommandLine;
using JinaEmbed.Cli.Commands;
using JinaEmbed.Server;

namespace JinaEmbed.Tests.Cli;

public sealed class ServeImageFlagsTests
{
    [Fact]
    public void ImageFlagsSetTheServerOptions()
    {
        var options = Apply(
            "--allow-image-urls", "--image-url-hosts", "a.test,*.b.test", "--image-url-hosts", "c.test",
            "--image-url-max-bytes", "1000", "--image-url-timeout", "2.5", "--image-url-max-redirects", "1",
            "--max-image-pixels", "5000", "--max-request-body-bytes", "123456");

        Assert.True(options.AllowImageUrls);
        Assert.Equal(["a.test,*.b.test", "c.test"], options.ImageUrlHosts);
        Assert.Equal(1000, options.ImageUrlMaxBytes);
        Assert.Equal(2.5, options.ImageUrlTimeoutSeconds);
        Assert.Equal(1, options.ImageUrlMaxRedirects);
        Assert.Equal(5000, options.MaxImagePixels);
        Assert.Equal(123456, options.MaxRequestBodyBytes);
        options.Validate();
    }

    [Fact]
    public void WithoutFlagsTheDefaultsStand()
    {
        var options = Apply();
        var defaults = new ServerOptions();
        Assert.False(options.AllowImageUrls);
        Assert.Empty(options.ImageUrlHosts);
        Assert.Equal(20 * 1024 * 1024, defaults.ImageUrlMaxBytes);
        Assert.Equal(defaults.ImageUrlMaxBytes, options.ImageUrlMaxBytes);
        Assert.Equal(10, options.ImageUrlTimeoutSeconds);
        Assert.Equal(3, options.ImageUrlMaxRedirects);
        Assert.Equal(20_000_000, options.MaxImagePixels);
        Assert.Equal(16 * 1024 * 1024, options.MaxRequestBodyBytes);
    }

    [Fact]
    public void AllowImageUrlsTakesAnExplicitFalse() => Assert.False(Apply("--allow-image-urls", "false").AllowImageUrls);

    [Theory]
    [InlineData("--image-url-hosts", "https://images.example.com", "ImageUrlHosts")]
    [InlineData("--image-url-timeout", "0", "ImageUrlTimeoutSeconds")]
    [InlineData("--max-image-pixels", "0", "MaxImagePixels")]
    public async Task BadValuesExitWithAUsageErrorNamingTheSetting(string flag, string value, string name)
    {
        var (exitCode, _, error) = await CliRunner.RunAsync(ServeCommand.Create(), "serve", "--model", Fixtures.Path("tiny-jina-v3"), "--port", "0", flag, value);
        Assert.Equal(2, exitCode);
        Assert.Contains(name, error, StringComparison.Ordinal);
    }

    private static ServerOptions Apply(params string[] args)
    {
        var flags = new ServeCommand.ImageFlags();
        var command = new Command("serve");
        flags.AddTo(command);
        var parse = new RootCommand { command }.Parse(["serve", .. args]);
        Assert.Empty(parse.Errors);
        var options = new ServerOptions();
        flags.Apply(parse, options);
        return options;
    }
}
