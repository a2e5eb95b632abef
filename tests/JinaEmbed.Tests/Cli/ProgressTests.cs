// Progress lines: throttled, in place on a terminal, plain when redirected; units (issue #7).
using JinaEmbed.Cli.Progress;
using JinaEmbed.Hub;

namespace JinaEmbed.Tests.Cli;

public sealed class ProgressTests
{
    [Theory]
    [InlineData(0, "0 B")]
    [InlineData(1023, "1023 B")]
    [InlineData(1536, "1.5 KiB")]
    [InlineData(1_144_685_320, "1.07 GiB")]
    public void Bytes_UseBinaryUnits(double bytes, string text) => Assert.Equal(text, Units.Bytes(bytes));

    [Fact]
    public void Duration_IsMinutesSecondsOrUnknown()
    {
        Assert.Equal("0:05", Units.Duration(TimeSpan.FromSeconds(5)));
        Assert.Equal("1:02:03", Units.Duration(new TimeSpan(1, 2, 3)));
        Assert.Equal("?", Units.Duration(null));
    }

    [Fact]
    public void Redirected_WritesWholeLinesAtMostEveryTwoSeconds()
    {
        var now = TimeSpan.Zero;
        using var writer = new StringWriter();
        var renderer = new ProgressRenderer(writer, interactive: false, () => now);

        renderer.Update(() => "a");
        now = TimeSpan.FromSeconds(1);
        renderer.Update(() => "b"); // too soon
        now = TimeSpan.FromSeconds(2.5);
        renderer.Update(() => "c");
        renderer.Update(() => "d", force: true);
        renderer.Complete("done");

        Assert.Equal("a\nc\nd\ndone\n", writer.ToString().Replace("\r\n", "\n", StringComparison.Ordinal));
    }

    [Fact]
    public void Terminal_RedrawsInPlace()
    {
        var now = TimeSpan.Zero;
        using var writer = new StringWriter();
        var renderer = new ProgressRenderer(writer, interactive: true, () => now);

        renderer.Update(() => "long line");
        now = TimeSpan.FromSeconds(1);
        renderer.Update(() => "short");
        renderer.Complete("ok");

        Assert.Equal("\rlong line\rshort    \rok   " + Environment.NewLine, writer.ToString());
    }

    [Fact]
    public void DownloadLine_ShowsRateAndEta()
    {
        var now = TimeSpan.Zero;
        using var writer = new StringWriter();
        var progress = new DownloadProgress(new ProgressRenderer(writer, interactive: false, () => now));
        progress.Report(new HubProgress("model.safetensors", 0, 4 << 20, 0, 4 << 20, false));
        now = TimeSpan.FromSeconds(2);

        var line = progress.Line(new HubProgress("model.safetensors", 2 << 20, 4 << 20, 2 << 20, 4 << 20, false));

        Assert.Contains(" 50.0% 2.0 MiB/4.0 MiB 1.0 MiB/s ETA 0:02", line, StringComparison.Ordinal);
    }

    [Fact]
    public void EmbedLine_ShowsItemsAndTokensPerSecond()
    {
        var now = TimeSpan.Zero;
        using var writer = new StringWriter();
        var renderer = new ProgressRenderer(writer, interactive: false, () => now);
        var known = new EmbedProgress(renderer, totalItems: 1000);
        var streaming = new EmbedProgress(renderer, totalItems: null);
        now = TimeSpan.FromSeconds(4);

        Assert.Equal("[######..................]  25.0% 250/1,000 items, 62.5 items/s, 5.0k tokens/s, ETA 0:12", known.Line(250, 20_000));
        Assert.Equal("250 items, 62.5 items/s, 5.0k tokens/s", streaming.Line(250, 20_000));
        Assert.Equal("embedded 1,000 items (80,000 tokens) in 0:04: 250 items/s, 20.0k tokens/s", known.Line(1000, 80_000, final: true));
    }
}
