namespace TermChat.Cli.Tests.EndToEnd;

/// <summary>
/// A fact that is reported as skipped, with the reason, where tmux is not installed, or (for tests that
/// need <c>termchat serve</c>) where this build has no server library yet.
/// </summary>
internal sealed class TmuxFactAttribute : FactAttribute
{
    public TmuxFactAttribute(bool needsServer = true)
    {
        if (OperatingSystem.IsWindows())
        {
            Skip = "the tmux end-to-end tests need a Unix terminal";
        }
        else if (Tmux.Path is null)
        {
            Skip = "tmux is not installed (apt-get install tmux; .ci/run installs it), so the real-terminal end-to-end test cannot run";
        }
        else if (needsServer && Type.GetType("TermChat.Server.ChatServer, TermChat.Server") is null)
        {
            Skip = "this build has no server library (src/TermChat.Server/ChatServer.cs), so there is no termchat serve to join";
        }
    }
}
