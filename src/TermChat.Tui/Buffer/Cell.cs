using TermChat.Tui.Styling;

namespace TermChat.Tui.Buffer;

/// <summary>
/// One screen cell. A wide glyph is stored in its first cell with <see cref="Width"/> 2; the cell
/// to its right is a continuation that holds no text and is never written to the terminal.
/// </summary>
public readonly record struct Cell(string Symbol, Style Style, byte Width)
{
    public static Cell Blank { get; } = new(" ", Style.Default, 1);

    public bool IsContinuation => Width == 0;

    public bool IsWide => Width == 2;

    public static Cell Space(Style style) => new(" ", style, 1);

    public static Cell ContinuationOf(Style style) => new(string.Empty, style, 0);
}
