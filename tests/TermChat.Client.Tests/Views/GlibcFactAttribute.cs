namespace TermChat.Client.Tests.Views;

/// <summary>A fact that compares with glibc's wcwidth; skipped, with the reason, where there is no glibc.</summary>
internal sealed class GlibcFactAttribute : FactAttribute
{
    public GlibcFactAttribute()
    {
        if (!GlibcWcwidth.IsAvailable)
        {
            Skip = "glibc's wcwidth (what tmux and xterm-like terminals measure with) exists on Linux only";
        }
    }
}
