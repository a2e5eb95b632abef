// One progress report of a snapshot download: which file, how many bytes so far, out of how many (issue #7).
namespace JinaEmbed.Hub;

/// <summary>Progress of a snapshot download, reported after every chunk written and when a file is done.</summary>
/// <param name="FileName">The repository path being transferred.</param>
/// <param name="FileBytes">Bytes of this file on disk so far (resumed bytes included).</param>
/// <param name="FileTotal">The file's size, when the hub announced it.</param>
/// <param name="DoneBytes">Bytes of the whole snapshot on disk so far.</param>
/// <param name="TotalBytes">Bytes of all files to transfer in this run, when known.</param>
/// <param name="FileCompleted">True on the report that publishes the file into the cache.</param>
public sealed record HubProgress(string FileName, long FileBytes, long? FileTotal, long DoneBytes, long? TotalBytes, bool FileCompleted);
