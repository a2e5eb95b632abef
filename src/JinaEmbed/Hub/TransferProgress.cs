// Running totals of one snapshot download, turned into HubProgress reports (issue #7).
namespace JinaEmbed.Hub;

/// <summary>Counts bytes across the files of one download (one file at a time) and reports them.</summary>
internal sealed class TransferProgress(IProgress<HubProgress>? progress, long totalBytes)
{
    private long _doneBefore; // bytes of the files already finished in this run

    /// <summary>Grows the total when more files join the download (the shards a shard index names).</summary>
    public void AddToTotal(long bytes) => totalBytes += bytes;

    public void Started(string file, long resumedBytes, long? fileTotal) => Advanced(file, resumedBytes, fileTotal);

    public void Advanced(string file, long fileBytes, long? fileTotal) =>
        progress?.Report(new HubProgress(file, fileBytes, fileTotal, _doneBefore + fileBytes, totalBytes, false));

    public void Completed(string file, long size, bool counted)
    {
        if (counted)
        {
            _doneBefore += size;
        }

        progress?.Report(new HubProgress(file, size, size, _doneBefore, totalBytes, true));
    }
}
