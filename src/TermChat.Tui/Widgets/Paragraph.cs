using TermChat.Tui.Buffer;
using TermChat.Tui.Geometry;
using TermChat.Tui.Styling;
using TermChat.Tui.Text;

namespace TermChat.Tui.Widgets;

/// <summary>Styled lines, optionally word-wrapped, scrolled vertically and surrounded by a <see cref="Block"/>.</summary>
public sealed class Paragraph(IReadOnlyList<Line> lines) : IWidget
{
    public IReadOnlyList<Line> Lines { get; } = lines;

    public bool Wrap { get; init; } = true;

    /// <summary>How many visual rows to skip from the top.</summary>
    public int ScrollY { get; init; }

    public Style Style { get; init; }

    public Block? Block { get; init; }

    /// <summary>The number of rows the lines occupy at <paramref name="width"/> columns (after wrapping).</summary>
    public int VisualLineCount(int width) => Wrap ? Lines.Sum(l => WordWrap.Wrap(l, width).Count) : Lines.Count;

    public void Render(Rect area, ScreenBuffer buffer)
    {
        var inner = WidgetArea.Prepare(area, buffer, Style, Block);
        if (inner.IsEmpty)
        {
            return;
        }

        var visual = Wrap ? Lines.SelectMany(l => WordWrap.Wrap(l, inner.Width)) : Lines;
        var y = inner.Top;
        foreach (var line in visual.Skip(Math.Max(0, ScrollY)))
        {
            if (y >= inner.Bottom)
            {
                break;
            }

            LineRenderer.Render(buffer, inner.Left, y, inner.Width, line, Style);
            y++;
        }
    }
}
