// An IProgress that reports on the caller's thread (Progress<T> posts to the thread pool, which reorders reports).
namespace JinaEmbed.Tests.Hub;

internal sealed class SyncProgress<T>(Action<T> report) : IProgress<T>
{
    public void Report(T value) => report(value);
}
