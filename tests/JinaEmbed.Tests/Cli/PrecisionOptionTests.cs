// --precision int8 warns where the CPU would make it slower than the exact path (no AVX-VNNI or AVX-512; issue #15).
using JinaEmbed.Cli.Hosting;
using JinaEmbed.Compute;

namespace JinaEmbed.Tests.Cli;

public sealed class PrecisionOptionTests
{
    [Fact]
    public void Int8WarnsOnlyWhereItRunsSlowerThanExact()
    {
        var avx2 = new ComputeContext(1, IsaTier.Avx2, vnni: false);
        var error = new StringWriter();
        PrecisionOption.WarnIfSlow(Precision.Int8, error, avx2);
        Assert.StartsWith("warning: int8 on this CPU (", error.ToString(), StringComparison.Ordinal);
        Assert.Contains("it still halves the weights' memory", error.ToString(), StringComparison.Ordinal);

        foreach (var precision in new Precision?[] { Precision.Exact, null })
        {
            var quiet = new StringWriter();
            PrecisionOption.WarnIfSlow(precision, quiet, avx2);
            Assert.Equal("", quiet.ToString());
        }

        var here = new StringWriter();
        PrecisionOption.WarnIfSlow(Precision.Int8, here, new ComputeContext(1));
        Assert.Equal(new ComputeContext(1).Int8OutrunsExact, here.ToString().Length == 0);
    }
}
