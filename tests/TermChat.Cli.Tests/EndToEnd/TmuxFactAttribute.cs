namespace TermChat.Cli.Tests.EndToEnd;

/// <summary>
/// A fact that needs a real terminal through tmux. It is reported as skipped, with the reason, where tmux is
/// not installed on a developer's machine; under <c>CI=true</c> it always runs, so a CI machine without tmux
/// fails instead of silently not testing the terminal client.
/// </summary>
internal sealed class TmuxFactAttribute : FactAttribute
{
    public TmuxFactAttribute()
    {
        if (OperatingSystem.IsWindows())
        {
            Skip = "the tmux end-to-end tests need a Unix terminal";
        }
        else if (Tmux.Path is null && Environment.GetEnvironmentVariable("CI") != "true")
        {
            Skip = "tmux is not installed (apt-get install tmux; .ci/run installs it), so the real-terminal end-to-end test cannot run";
        }
    }
}
