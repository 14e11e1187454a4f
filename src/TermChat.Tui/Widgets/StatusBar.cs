using TermChat.Tui.Buffer;
using TermChat.Tui.Geometry;
using TermChat.Tui.Styling;
using TermChat.Tui.Text;

namespace TermChat.Tui.Widgets;

/// <summary>
/// A single row with left-aligned and right-aligned content. When space is short the right part
/// is dropped first, then the left part is truncated.
/// </summary>
public sealed class StatusBar(Line left, Line? right = null) : IWidget
{
    public Line Left { get; } = left;

    public Line? Right { get; } = right;

    public Style Style { get; init; } = new(Modifiers: Modifiers.Reverse);

    public void Render(Rect area, ScreenBuffer buffer)
    {
        area = area.Intersect(buffer.Area);
        if (area.IsEmpty)
        {
            return;
        }

        var row = new Rect(area.X, area.Y, area.Width, 1);
        buffer.Fill(row, Style);
        var leftRoom = row.Width;
        if (Right is not null)
        {
            var rightWidth = Right.Width;
            // Keep at least one column of gap so left and right never run together.
            if (Left.Width + 1 + rightWidth <= row.Width)
            {
                LineRenderer.Render(buffer, row.Right - rightWidth, row.Y, rightWidth, Right.WithAlignment(Alignment.Left), Style);
                leftRoom = row.Width - rightWidth - 1;
            }
        }

        LineRenderer.Render(buffer, row.X, row.Y, leftRoom, Left.WithAlignment(Alignment.Left), Style);
    }
}
