using System.Runtime.InteropServices;

namespace TermChat.Client.Tests.Views;

/// <summary>
/// The C library's wcwidth in a UTF-8 locale: what tmux (built without utf8proc, as Debian's is) and xterm-like
/// terminals advance the cursor by for each code point. Linux with glibc only.
/// </summary>
internal static class GlibcWcwidth
{
    private const int LcCtype = 0;

    /// <summary>True where glibc's wcwidth can be called (Linux).</summary>
    public static bool IsAvailable => OperatingSystem.IsLinux();

    /// <summary>Runs <paramref name="measure"/> with LC_CTYPE set to C.UTF-8, then puts the process's LC_CTYPE back.</summary>
    public static T InUtf8Locale<T>(Func<Func<int, int>, T> measure)
    {
        string previous = Marshal.PtrToStringAnsi(SetLocale(LcCtype, null)) ?? "C";
        if (SetLocale(LcCtype, "C.UTF-8") == IntPtr.Zero)
        {
            throw new InvalidOperationException("the C.UTF-8 locale is not available");
        }
        try
        {
            return measure(WcWidth);
        }
        finally
        {
            SetLocale(LcCtype, previous);
        }
    }

    // DllImport rather than LibraryImport, which would need unsafe code in the test project for two plain calls.
    [DllImport("libc", EntryPoint = "setlocale", CharSet = CharSet.Ansi, BestFitMapping = false)]
    private static extern IntPtr SetLocale(int category, string? locale);

    [DllImport("libc", EntryPoint = "wcwidth")]
    private static extern int WcWidth(int codePoint);
}
