using System.Globalization;

namespace TermChat.LoadGen.Reporting;

/// <summary>Number formatting for tables (invariant culture, thousands separators).</summary>
public static class Format
{
    /// <summary>An integer-like count with separators: 1,234,567.</summary>
    public static string Count(double value) => value.ToString("N0", CultureInfo.InvariantCulture);

    /// <summary>Microseconds as milliseconds with three significant decimals where useful.</summary>
    public static string Ms(double microseconds) => (microseconds / 1000).ToString(microseconds < 10_000 ? "0.000" : "0.0", CultureInfo.InvariantCulture);

    /// <summary>Microseconds with one decimal.</summary>
    public static string Us(double microseconds) => microseconds.ToString("0.0", CultureInfo.InvariantCulture);

    /// <summary>A fixed-point number.</summary>
    public static string Fixed(double value, int decimals) => value.ToString("F" + decimals.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);

    /// <summary>A loss percentage: exactly "0" when nothing was lost, never rounded down to zero otherwise.</summary>
    public static string Loss(double percent) => percent switch
    {
        0 => "0",
        < 0.001 => "<0.001",
        _ => percent.ToString(percent < 1 ? "0.###" : "0.##", CultureInfo.InvariantCulture),
    };

    /// <summary>Bytes as KiB with one decimal.</summary>
    public static string KiB(double bytes) => (bytes / 1024).ToString("0.0", CultureInfo.InvariantCulture);

    /// <summary>Bytes as MiB with one decimal.</summary>
    public static string MiB(double bytes) => (bytes / (1024 * 1024)).ToString("0.0", CultureInfo.InvariantCulture);
}
