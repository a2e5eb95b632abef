// Hub download progress as a bar with bytes/s and ETA (issue #7).
using System.Globalization;
using JinaEmbed.Hub;

namespace JinaEmbed.Cli.Progress;

/// <summary>Renders <see cref="HubProgress"/> reports; synchronous so lines come in order.</summary>
internal sealed class DownloadProgress(ProgressRenderer renderer) : IProgress<HubProgress>
{
    private long? _startBytes; // bytes already on disk (resumed) when this run started, excluded from the rate
    private TimeSpan _startTime;
    private bool _any;

    public void Report(HubProgress value)
    {
        if (_startBytes == null)
        {
            _startBytes = value.DoneBytes;
            _startTime = renderer.Elapsed;
        }

        _any = true;
        renderer.Update(() => Line(value), force: value.FileCompleted && !renderer.Interactive);
    }

    /// <summary>Prints the closing line, if anything was downloaded.</summary>
    public void Finish(string snapshotDirectory)
    {
        if (_any)
        {
            renderer.Complete($"downloaded into {snapshotDirectory}");
        }
    }

    internal string Line(HubProgress value)
    {
        var seconds = (renderer.Elapsed - _startTime).TotalSeconds;
        var rate = seconds > 0 ? (value.DoneBytes - (_startBytes ?? 0)) / seconds : 0;
        TimeSpan? eta = value.TotalBytes is long total && rate > 0 ? TimeSpan.FromSeconds((total - value.DoneBytes) / rate) : null;
        var fraction = value.TotalBytes is long t && t > 0 ? (double)value.DoneBytes / t : 0;
        var name = value.FileName.Length > 28 ? "…" + value.FileName[^27..] : value.FileName;
        return string.Create(CultureInfo.InvariantCulture,
            $"{name,-28} {Units.Bar(fraction)} {fraction * 100,5:0.0}% {Units.Bytes(value.DoneBytes)}/{Units.Bytes(value.TotalBytes ?? 0)} {Units.Bytes(rate)}/s ETA {Units.Duration(eta)}");
    }
}
