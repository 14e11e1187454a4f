namespace TermChat.Tui.Rendering;

/// <summary>The fixed escape sequences the library emits, shared by the renderer and the backends.</summary>
internal static class AnsiSequences
{
    public const string EnterAlternateScreen = "\e[?1049h";
    public const string LeaveAlternateScreen = "\e[?1049l";
    public const string HideCursor = "\e[?25l";
    public const string ShowCursor = "\e[?25h";
    public const string EnableBracketedPaste = "\e[?2004h";
    public const string DisableBracketedPaste = "\e[?2004l";
    public const string ResetStyle = "\e[0m";
    public const string ClearScreen = "\e[2J";
    public const string Bell = "\a";

    /// <summary>Everything a backend writes when it takes over the terminal.</summary>
    public const string Enter = EnterAlternateScreen + HideCursor + EnableBracketedPaste + ClearScreen;

    public const string Home = "\e[H";

    /// <summary>
    /// Everything a backend writes when it gives the terminal back, in reverse order of <see cref="Enter"/>.
    /// The alternate screen is blanked first: tmux, after a resize, carries rows of the alternate screen over
    /// into the main screen when it is left, and blank rows are all it can carry then.
    /// </summary>
    public const string Leave = DisableBracketedPaste + ResetStyle + Home + ClearScreen + ShowCursor + LeaveAlternateScreen;

    public static string MoveTo(int x, int y) => $"\e[{y + 1};{x + 1}H";
}
