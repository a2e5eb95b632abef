// `jinaembed embed` progress: items done, items/s and tokens/s, with a bar and ETA when the item count is known (issue #7).
using System.Globalization;

namespace JinaEmbed.Cli.Progress;

/// <summary>Renders embedding progress (called from the writing loop, one thread).</summary>
internal sealed class EmbedProgress(ProgressRenderer renderer, long? totalItems)
{
    private readonly TimeSpan _start = renderer.Elapsed;

    /// <summary>Shows the counts so far (throttled).</summary>
    public void Report(long items, long tokens) => renderer.Update(() => Line(items, tokens));

    /// <summary>The closing line.</summary>
    public void Finish(long items, long tokens) => renderer.Complete(Line(items, tokens, final: true));

    internal string Line(long items, long tokens, bool final = false)
    {
        var seconds = Math.Max((renderer.Elapsed - _start).TotalSeconds, 1e-9);
        var itemRate = items / seconds;
        var tokenRate = tokens / seconds;
        var rates = string.Create(CultureInfo.InvariantCulture, $"{Units.Count(itemRate)} items/s, {Units.Count(tokenRate)} tokens/s");
        if (final)
        {
            return string.Create(CultureInfo.InvariantCulture, $"embedded {items:N0} items ({tokens:N0} tokens) in {Units.Duration(renderer.Elapsed - _start)}: {rates}");
        }

        if (totalItems is long total && total > 0)
        {
            var fraction = (double)items / total;
            TimeSpan? eta = itemRate > 0 ? TimeSpan.FromSeconds((total - items) / itemRate) : null;
            return string.Create(CultureInfo.InvariantCulture, $"{Units.Bar(fraction)} {fraction * 100,5:0.0}% {items:N0}/{total:N0} items, {rates}, ETA {Units.Duration(eta)}");
        }

        return string.Create(CultureInfo.InvariantCulture, $"{items:N0} items, {rates}");
    }
}
