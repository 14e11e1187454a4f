using System.Globalization;

namespace TermChat.LoadGen.Metrics;

/// <summary>
/// Reads another process's CPU time (<c>/proc/PID/stat</c>, utime+stime) and resident memory
/// (<c>/proc/PID/status</c>, VmRSS). The parsing is separate from the reading so it can be tested.
/// </summary>
public static class ProcessProbe
{
    // USER_HZ: the unit of utime/stime. It is 100 on every Linux ABI .NET runs on.
    private const double ClockTicksPerSecond = 100;

    /// <summary>CPU seconds (user + system) the process has used, or null if it cannot be read.</summary>
    public static double? TryReadCpuSeconds(int pid)
    {
        try
        {
            string stat = File.ReadAllText($"/proc/{pid}/stat");
            return ParseCpuTicks(stat) / ClockTicksPerSecond;
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or FormatException)
        {
            return null;
        }
    }

    /// <summary>Resident set size in bytes, or null if it cannot be read.</summary>
    public static long? TryReadRssBytes(int pid)
    {
        try
        {
            return ParseVmRssBytes(File.ReadAllText($"/proc/{pid}/status"));
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or FormatException)
        {
            return null;
        }
    }

    /// <summary>
    /// utime + stime in clock ticks from a <c>/proc/PID/stat</c> line. The command name (field 2) may hold
    /// spaces and parentheses, so fields are counted from the last ')'.
    /// </summary>
    /// <exception cref="FormatException">The line is not a stat line.</exception>
    public static long ParseCpuTicks(string stat)
    {
        int close = stat.LastIndexOf(')');
        if (close < 0) throw new FormatException("No command name in the stat line.");
        // After ")": field 3 (state) is index 0, so utime (field 14) is index 11 and stime (15) index 12.
        var fields = stat[(close + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (fields.Length < 13) throw new FormatException("The stat line is too short.");
        return long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
    }

    /// <summary>VmRSS in bytes from the text of <c>/proc/PID/status</c>.</summary>
    /// <exception cref="FormatException">There is no VmRSS line.</exception>
    public static long ParseVmRssBytes(string status)
    {
        foreach (var line in status.Split('\n'))
        {
            if (!line.StartsWith("VmRSS:", StringComparison.Ordinal)) continue;
            var parts = line[6..].Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
            long kib = long.Parse(parts[0], CultureInfo.InvariantCulture);
            return kib * 1024;
        }
        throw new FormatException("No VmRSS line in the status text.");
    }
}
