using JinaEmbed.Compute;

namespace JinaEmbed.Tests.Compute;

public class ComputeContextTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(5)]
    public void ForRunsEveryIndexExactlyOnce(int threads)
    {
        var context = new ComputeContext(threads);
        for (int round = 0; round < 50; round++)
        {
            int count = 1 + (round * 7 % 40);
            var hits = new int[count];
            context.For(count, i => Interlocked.Increment(ref hits[i]));
            Assert.All(hits, h => Assert.Equal(1, h));
        }
    }

    [Fact]
    public void ForUsesNoMoreThreadsThanConfigured()
    {
        var context = new ComputeContext(3);
        int running = 0, peak = 0;
        context.For(64, _ =>
        {
            int now = Interlocked.Increment(ref running);
            int seen;
            while ((seen = Volatile.Read(ref peak)) < now && Interlocked.CompareExchange(ref peak, now, seen) != seen)
            {
            }

            Thread.SpinWait(20000);
            Interlocked.Decrement(ref running);
        });
        Assert.InRange(peak, 1, 3);
    }

    [Fact]
    public void NestedForCompletes()
    {
        var context = new ComputeContext(2);
        int total = 0;
        context.For(4, _ => context.For(5, _ => Interlocked.Increment(ref total)));
        Assert.Equal(20, total);
    }

    [Fact]
    public void ExceptionInBodyReachesCaller()
    {
        var context = new ComputeContext(2);
        var error = Assert.Throws<InvalidOperationException>(() => context.For(10, i =>
        {
            if (i == 7)
            {
                throw new InvalidOperationException("boom");
            }
        }));
        Assert.Equal("boom", error.Message);
        int done = 0;
        context.For(10, _ => Interlocked.Increment(ref done));
        Assert.Equal(10, done);
    }

    [Fact]
    public void ForcedTierIsNeverAboveTheProcessor()
    {
        var context = new ComputeContext(1, IsaTier.Avx512);
        Assert.True(context.Tier <= ComputeContext.DetectTier());
        Assert.Equal(IsaTier.Portable, new ComputeContext(1, IsaTier.Portable).Tier);
    }
}
