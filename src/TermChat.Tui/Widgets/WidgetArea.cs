using TermChat.Tui.Buffer;
using TermChat.Tui.Geometry;
using TermChat.Tui.Styling;

namespace TermChat.Tui.Widgets;

/// <summary>The start every widget shares: clip to the buffer, fill the base style, draw the optional block.</summary>
internal static class WidgetArea
{
    /// <returns>The area left for the widget's content; empty when there is nothing to draw into.</returns>
    public static Rect Prepare(Rect area, ScreenBuffer buffer, Style style, Block? block)
    {
        area = area.Intersect(buffer.Area);
        if (area.IsEmpty)
        {
            return area;
        }
        if (style != default)
        {
            buffer.SetStyle(area, style);
        }
        if (block is null)
        {
            return area;
        }
        block.Render(area, buffer);
        return block.Inner(area);
    }
}
