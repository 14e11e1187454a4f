using System.Diagnostics;

namespace TermChat.Cli.Tests.EndToEnd;

/// <summary>
/// A fact that needs Debian's python3-irc: skipped with the reason where it is not installed on a developer's
/// machine; under <c>CI=true</c> it always runs, so a CI machine without it fails (.ci/run installs it).
/// </summary>
internal sealed class PythonIrcFactAttribute : FactAttribute
{
    private static readonly Lazy<bool> s_installed = new(() =>
    {
        try
        {
            var info = new ProcessStartInfo(PythonIrcEndToEndTests.Python, ["-c", "import irc.client"]) { RedirectStandardError = true, UseShellExecute = false };
            using var process = Process.Start(info)!;
            process.WaitForExit(10_000);
            return process.HasExited && process.ExitCode == 0;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false;
        }
    });

    public PythonIrcFactAttribute()
    {
        if (OperatingSystem.IsWindows()) Skip = "the python3-irc end-to-end test needs Debian's python3-irc";
        else if (Environment.GetEnvironmentVariable("CI") != "true" && !s_installed.Value)
        {
            Skip = "python3-irc is not installed (apt-get install python3-irc; .ci/run installs it), so the second real IRC client cannot run";
        }
    }
}
