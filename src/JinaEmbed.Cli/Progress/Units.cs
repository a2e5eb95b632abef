// Human-readable sizes, rates and durations for progress lines and `info` (issue #7).
using System.Globalization;

namespace JinaEmbed.Cli.Progress;

internal static class Units
{
    /// <summary>Bytes in binary units: 512 B, 1.5 KiB, 1.07 GiB.</summary>
    public static string Bytes(double bytes)
    {
        string[] units = ["B", "KiB", "MiB", "GiB", "TiB"];
        var unit = 0;
        while (Math.Abs(bytes) >= 1024 && unit < units.Length - 1)
        {
            bytes /= 1024;
            unit++;
        }

        return unit == 0
            ? string.Create(CultureInfo.InvariantCulture, $"{bytes:0} B")
            : string.Create(CultureInfo.InvariantCulture, $"{bytes:0.0#} {units[unit]}");
    }

    /// <summary>A count with a metric suffix: 950, 12.3k, 4.5M.</summary>
    public static string Count(double count) => count switch
    {
        >= 1e9 => string.Create(CultureInfo.InvariantCulture, $"{count / 1e9:0.0#}G"),
        >= 1e6 => string.Create(CultureInfo.InvariantCulture, $"{count / 1e6:0.0#}M"),
        >= 1e3 => string.Create(CultureInfo.InvariantCulture, $"{count / 1e3:0.0}k"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{count:0.#}"),
    };

    /// <summary>A duration as m:ss or h:mm:ss; "?" when unknown.</summary>
    public static string Duration(TimeSpan? duration)
    {
        if (duration is not { } d || d < TimeSpan.Zero || d > TimeSpan.FromDays(30))
        {
            return "?";
        }

        return d.TotalHours >= 1
            ? string.Create(CultureInfo.InvariantCulture, $"{(int)d.TotalHours}:{d.Minutes:00}:{d.Seconds:00}")
            : string.Create(CultureInfo.InvariantCulture, $"{d.Minutes}:{d.Seconds:00}");
    }

    /// <summary>A text bar of <paramref name="width"/> cells for a fraction 0..1.</summary>
    public static string Bar(double fraction, int width = 24)
    {
        var filled = (int)Math.Round(Math.Clamp(fraction, 0, 1) * width);
        return "[" + new string('#', filled) + new string('.', width - filled) + "]";
    }
}
