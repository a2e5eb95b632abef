// The server's resident memory, threads and open file descriptors, read from /proc (Linux).
using System.Globalization;

namespace JinaEmbed.Soak;

/// <summary>One reading of the server process, taken after <paramref name="Done"/> requests had completed.</summary>
internal sealed record ProcessSample(int Done, long RssKilobytes, int Threads, int Handles)
{
    /// <summary>Reads /proc/<paramref name="pid"/>/status (VmRSS, Threads) and counts /proc/<paramref name="pid"/>/fd.</summary>
    public static ProcessSample Read(int pid, int done)
    {
        long rss = -1;
        int threads = -1;
        foreach (var line in File.ReadLines($"/proc/{pid}/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                rss = long.Parse(line.AsSpan(6).Trim().TrimEnd("kB").Trim(), CultureInfo.InvariantCulture);
            }
            else if (line.StartsWith("Threads:", StringComparison.Ordinal))
            {
                threads = int.Parse(line.AsSpan(8).Trim(), CultureInfo.InvariantCulture);
            }
        }

        if (rss < 0 || threads < 0)
        {
            throw new InvalidDataException($"/proc/{pid}/status has no VmRSS or Threads line");
        }

        int handles = Directory.EnumerateFileSystemEntries($"/proc/{pid}/fd").Count();
        return new ProcessSample(done, rss, threads, handles);
    }

    /// <summary>User plus system CPU time of the process (/proc/PID/stat utime and stime, in USER_HZ = 100 ticks a second).</summary>
    public static TimeSpan CpuTime(int pid)
    {
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' '); // fields from the state (field 3) on
        long ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
        return TimeSpan.FromSeconds(ticks / 100.0);
    }
}
