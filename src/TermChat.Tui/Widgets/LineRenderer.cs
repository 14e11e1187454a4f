using TermChat.Tui.Buffer;
using TermChat.Tui.Styling;
using TermChat.Tui.Text;

namespace TermChat.Tui.Widgets;

/// <summary>Draws one styled line, honouring its alignment and clipping to a width.</summary>
internal static class LineRenderer
{
    public static int Render(ScreenBuffer buffer, int x, int y, int width, Line line, Style baseStyle)
    {
        if (width <= 0)
        {
            return x;
        }

        var lineWidth = line.Width;
        var column = line.Alignment switch
        {
            Alignment.Center when lineWidth < width => x + ((width - lineWidth) / 2),
            Alignment.Right when lineWidth < width => x + (width - lineWidth),
            _ => x,
        };
        var end = x + width;
        foreach (var span in line.Spans)
        {
            if (column >= end)
            {
                break;
            }

            column = buffer.SetString(column, y, span.Content, baseStyle.Patch(span.Style), end - column);
        }

        return column;
    }
}
