using TermChat.Tui.Buffer;
using TermChat.Tui.Geometry;
using TermChat.Tui.Styling;
using TermChat.Tui.Text;

namespace TermChat.Tui.Widgets;

/// <summary>A box with optional borders and a title drawn into the top border.</summary>
public sealed class Block : IWidget
{
    public Borders Borders { get; init; } = Borders.All;

    public BorderType BorderType { get; init; } = BorderType.Plain;

    public Line? Title { get; init; }

    public Style BorderStyle { get; init; }

    /// <summary>Applied to the whole area before the borders are drawn.</summary>
    public Style Style { get; init; }

    /// <summary>The area left inside the borders.</summary>
    public Rect Inner(Rect area)
    {
        var (_, rest) = area.SplitTop(Borders.HasFlag(Borders.Top) || Title is not null ? 1 : 0);
        (rest, _) = rest.SplitBottom(Borders.HasFlag(Borders.Bottom) ? 1 : 0);
        (_, rest) = rest.SplitLeft(Borders.HasFlag(Borders.Left) ? 1 : 0);
        (rest, _) = rest.SplitRight(Borders.HasFlag(Borders.Right) ? 1 : 0);
        return rest;
    }

    public void Render(Rect area, ScreenBuffer buffer)
    {
        area = WidgetArea.Prepare(area, buffer, Style, block: null);
        if (area.IsEmpty)
        {
            return;
        }

        var (h, v, tl, tr, bl, br) = BorderType switch
        {
            BorderType.Rounded => ("─", "│", "╭", "╮", "╰", "╯"),
            BorderType.Double => ("═", "║", "╔", "╗", "╚", "╝"),
            _ => ("─", "│", "┌", "┐", "└", "┘"),
        };
        var style = Style.Patch(BorderStyle);
        var last = area.Right - 1;
        var bottom = area.Bottom - 1;
        if (Borders.HasFlag(Borders.Top))
        {
            for (var x = area.Left; x < area.Right; x++)
            {
                buffer.SetSymbol(x, area.Top, h, style);
            }
        }

        if (Borders.HasFlag(Borders.Bottom))
        {
            for (var x = area.Left; x < area.Right; x++)
            {
                buffer.SetSymbol(x, bottom, h, style);
            }
        }

        if (Borders.HasFlag(Borders.Left))
        {
            for (var y = area.Top; y < area.Bottom; y++)
            {
                buffer.SetSymbol(area.Left, y, v, style);
            }
        }

        if (Borders.HasFlag(Borders.Right))
        {
            for (var y = area.Top; y < area.Bottom; y++)
            {
                buffer.SetSymbol(last, y, v, style);
            }
        }

        DrawCorner(buffer, area.Left, area.Top, Borders.Top | Borders.Left, tl, style);
        DrawCorner(buffer, last, area.Top, Borders.Top | Borders.Right, tr, style);
        DrawCorner(buffer, area.Left, bottom, Borders.Bottom | Borders.Left, bl, style);
        DrawCorner(buffer, last, bottom, Borders.Bottom | Borders.Right, br, style);

        if (Title is not null)
        {
            var left = area.Left + (Borders.HasFlag(Borders.Left) ? 1 : 0);
            var right = area.Right - (Borders.HasFlag(Borders.Right) ? 1 : 0);
            LineRenderer.Render(buffer, left, area.Top, right - left, Title, Style);
        }
    }

    private void DrawCorner(ScreenBuffer buffer, int x, int y, Borders sides, string symbol, Style style)
    {
        if ((Borders & sides) == sides)
        {
            buffer.SetSymbol(x, y, symbol, style);
        }
    }
}
