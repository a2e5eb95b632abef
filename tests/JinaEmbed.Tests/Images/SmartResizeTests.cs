using JinaEmbed.Images;

namespace JinaEmbed.Tests.Images;

/// <summary>Every row of the spec's §7.2 table, ties, both branches and the aspect limit.</summary>
public sealed class SmartResizeTests
{
    [Theory]
    [InlineData(100, 70, 56, 112)]
    [InlineData(300, 200, 196, 308)]
    [InlineData(90, 60, 56, 84)]
    [InlineData(64, 80, 84, 56)]
    [InlineData(40, 30, 56, 84)]
    [InlineData(20, 30, 84, 56)]
    [InlineData(1, 1, 56, 56)]
    [InlineData(600, 40, 28, 588)]
    [InlineData(224, 224, 224, 224)]
    [InlineData(1920, 1080, 560, 1008)]
    [InlineData(4000, 3000, 672, 896)]
    [InlineData(2480, 3508, 896, 644)]
    public void SpecTable(int width, int height, int expectedHeight, int expectedWidth)
    {
        var (h, w) = SmartResize.Compute(height, width, 28, 3136, 602112);
        Assert.Equal((expectedHeight, expectedWidth), (h, w));
        Assert.True(h * w <= 602112);
    }

    [Fact]
    public void SpecTableTokens()
    {
        Assert.Equal(720, Tokens(1920, 1080));
        Assert.Equal(768, Tokens(4000, 3000));
        Assert.Equal(736, Tokens(2480, 3508));
        Assert.Equal(21, Tokens(600, 40));
        Assert.Equal(4, Tokens(1, 1));

        static int Tokens(int width, int height)
        {
            var (h, w) = SmartResize.Compute(height, width, 28, 3136, 602112);
            return h * w / 784;
        }
    }

    [Fact]
    public void AspectRatioAbove200IsInvalid()
    {
        var e = Assert.Throws<ImageException>(() => SmartResize.Compute(28, 5601, 28, 3136, 602112));
        Assert.Equal(ImageErrorKind.Invalid, e.Kind);
        Assert.Contains("aspect ratio 200.036 is above the limit of 200", e.Message);
        Assert.Throws<ImageException>(() => SmartResize.Compute(40000, 1, 28, 3136, 602112));
    }

    [Fact]
    public void AspectRatioOfExactly200IsAccepted()
    {
        var (h, w) = SmartResize.Compute(28, 5600, 28, 3136, 602112);
        Assert.Equal((28, 5600), (h, w));
        var (h1, w1) = SmartResize.Compute(200, 1, 28, 3136, 602112);
        Assert.True(h1 * w1 >= 3136);
        Assert.Equal(0, h1 % 28);
        Assert.Equal(0, w1 % 28);
    }

    [Theory]
    [InlineData(14, 0)] // round(0.5) = 0 → min branch
    [InlineData(42, 56)] // round(1.5) = 2
    [InlineData(70, 56)] // round(2.5) = 2
    [InlineData(98, 112)] // round(3.5) = 4
    public void HalvesRoundToEven(int side, int rounded)
    {
        // With the other side 560, the product stays inside [min, max] except for side 14.
        var (h, _) = SmartResize.Compute(side, 560, 28, 3136, 602112);
        if (rounded == 0)
        {
            Assert.Equal(28, h); // min branch: ceil(14·β/28)·28
        }
        else
        {
            Assert.Equal(rounded, h);
        }
    }

    [Fact]
    public void DownscaleGuardKeepsAtLeastOneFactor()
    {
        // Small max_pixels: floor(h/β/28) would be 0 for the short side; the guard keeps 28.
        var (h, w) = SmartResize.Compute(28, 2000, 28, 784, 784 * 4);
        Assert.Equal(28, h);
        Assert.Equal(0, w % 28);
    }

    [Fact]
    public void FixtureMaxPixelsTakesTheDownscaleBranch()
    {
        Assert.Equal((196, 280), SmartResize.Compute(300, 400, 28, 3136, 62720));
        Assert.Equal((28, 588), SmartResize.Compute(40, 600, 28, 3136, 62720));
    }
}
