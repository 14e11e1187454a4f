namespace TermChat.Cli.Tests.EndToEnd;

/// <summary>A fact that is reported as skipped, with the reason, where tmux is not installed.</summary>
internal sealed class TmuxFactAttribute : FactAttribute
{
    public TmuxFactAttribute()
    {
        if (OperatingSystem.IsWindows())
        {
            Skip = "the tmux end-to-end tests need a Unix terminal";
        }
        else if (Tmux.Path is null)
        {
            Skip = "tmux is not installed (apt-get install tmux; .ci/run installs it), so the real-terminal end-to-end test cannot run";
        }
    }
}
