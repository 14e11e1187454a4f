using System.Diagnostics;
using System.Globalization;

namespace TermChat.Cli;

/// <summary>
/// Stops termchat, as Ctrl+C does, when the process named by <see cref="Variable"/> ends. run.ps1 sets it to its own
/// process: PowerShell cannot replace itself with termchat (run.sh uses exec) and does not pass a SIGTERM on to its
/// child, so without this a stopped pwsh would leave a server running with nobody to stop it.
/// </summary>
internal static class ParentWatch
{
    /// <summary>The environment variable holding the process id to watch.</summary>
    public const string Variable = "TERMCHAT_PARENT_PID";

    /// <summary>A token cancelled when the watched process exits (at once if it is already gone); none when nothing is watched.</summary>
    public static CancellationToken Start()
    {
        if (!int.TryParse(Environment.GetEnvironmentVariable(Variable), NumberStyles.None, CultureInfo.InvariantCulture, out int pid))
        {
            return CancellationToken.None;
        }
        var stop = new CancellationTokenSource();
        try
        {
            // Not our parent's child, so .NET polls for its exit; a fraction of a second is fine for a shutdown.
            var parent = Process.GetProcessById(pid);
            parent.EnableRaisingEvents = true;
            parent.Exited += (_, _) => stop.Cancel();
            if (parent.HasExited)
            {
                stop.Cancel();
            }
        }
        catch (ArgumentException)
        {
            // Already gone.
            stop.Cancel();
        }
        return stop.Token;
    }
}
