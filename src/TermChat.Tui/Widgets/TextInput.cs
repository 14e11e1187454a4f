using TermChat.Tui.Buffer;
using TermChat.Tui.Editing;
using TermChat.Tui.Geometry;
using TermChat.Tui.Styling;
using TermChat.Tui.Text;

namespace TermChat.Tui.Widgets;

/// <summary>
/// Draws a <see cref="LineEditor"/> on one row after an optional prompt, scrolling horizontally so
/// the cursor stays visible. Newlines show as '↵'. The resulting cursor position is stored in
/// <see cref="TextInputState.Cursor"/> for the frame to place the terminal cursor.
/// </summary>
public sealed class TextInput(LineEditor editor, TextInputState state) : IWidget
{
    private const string NewlineSymbol = "↵";

    public LineEditor Editor { get; } = editor;

    public TextInputState State { get; } = state;

    public Line? Prompt { get; init; }

    /// <summary>Shown dimmed while the editor is empty.</summary>
    public string? Placeholder { get; init; }

    public Style Style { get; init; }

    public void Render(Rect area, ScreenBuffer buffer)
    {
        State.Cursor = null;
        area = area.Intersect(buffer.Area);
        if (area.IsEmpty)
        {
            return;
        }

        var row = new Rect(area.X, area.Y, area.Width, 1);
        buffer.Fill(row, Style);
        var promptEnd = Prompt is null ? row.X : LineRenderer.Render(buffer, row.X, row.Y, row.Width, Prompt, Style);
        var (_, field) = row.SplitLeft(promptEnd - row.X);
        if (field.IsEmpty)
        {
            return;
        }

        var glyphs = Layout(Editor.Text, Editor.Cursor, out var cursorColumn);
        var offset = Math.Max(0, State.ScrollOffset);
        if (cursorColumn < offset)
        {
            offset = cursorColumn;
        }
        else if (cursorColumn >= offset + field.Width)
        {
            offset = cursorColumn - field.Width + 1;
        }

        State.ScrollOffset = offset;
        if (Editor.Text.Length == 0 && Placeholder is not null)
        {
            buffer.SetString(field.X, field.Y, Placeholder, Style.Add(Modifiers.Dim), field.Width);
        }

        foreach (var (symbol, column, width) in glyphs)
        {
            // A glyph that straddles either edge is left out rather than cut in half.
            if (column >= offset && column + width <= offset + field.Width)
            {
                buffer.SetString(field.X + column - offset, field.Y, symbol, Style, width);
            }
        }

        State.Cursor = new Position(field.X + cursorColumn - offset, field.Y);
    }

    private static List<(string Symbol, int Column, int Width)> Layout(string text, int cursor, out int cursorColumn)
    {
        var glyphs = new List<(string, int, int)>();
        cursorColumn = -1;
        var column = 0;
        var index = 0;
        foreach (var grapheme in TextWidth.Graphemes(text))
        {
            if (index >= cursor && cursorColumn < 0)
            {
                cursorColumn = column;
            }

            index += grapheme.Length;
            var symbol = grapheme is "\n" or "\r\n" ? NewlineSymbol : TextSanitizer.Sanitize(grapheme);
            var width = TextWidth.Of(symbol);
            if (width > 0)
            {
                glyphs.Add((symbol, column, width));
                column += width;
            }
        }

        if (cursorColumn < 0)
        {
            cursorColumn = column;
        }

        return glyphs;
    }
}
