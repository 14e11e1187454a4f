using TermChat.Tui.Buffer;
using TermChat.Tui.Geometry;
using TermChat.Tui.Styling;
using TermChat.Tui.Text;

namespace TermChat.Tui.Widgets;

/// <summary>A vertical list of one-line items with a highlighted selection that stays scrolled into view.</summary>
public sealed class ListView(IReadOnlyList<Line> items, ListState state) : IWidget
{
    public IReadOnlyList<Line> Items { get; } = items;

    public ListState State { get; } = state;

    public Style Style { get; init; }

    public Style HighlightStyle { get; init; } = new(Modifiers: Modifiers.Reverse);

    /// <summary>Drawn before the selected item; other items are indented by its width.</summary>
    public string HighlightSymbol { get; init; } = "> ";

    public Block? Block { get; init; }

    public void Render(Rect area, ScreenBuffer buffer)
    {
        var inner = WidgetArea.Prepare(area, buffer, Style, Block);
        if (inner.IsEmpty)
        {
            return;
        }

        var selected = State.Selected is { } s && Items.Count > 0 ? Math.Clamp(s, 0, Items.Count - 1) : (int?)null;
        var offset = Math.Clamp(State.Offset, 0, Math.Max(0, Items.Count - 1));
        if (selected is { } sel)
        {
            if (sel < offset)
            {
                offset = sel;
            }
            else if (sel >= offset + inner.Height)
            {
                offset = sel - inner.Height + 1;
            }
        }

        State.Offset = offset;
        var symbolWidth = selected.HasValue ? TextWidth.Of(HighlightSymbol) : 0;
        for (var row = 0; row < inner.Height && offset + row < Items.Count; row++)
        {
            var index = offset + row;
            var y = inner.Top + row;
            var isSelected = index == selected;
            if (isSelected)
            {
                buffer.SetString(inner.Left, y, HighlightSymbol, Style, inner.Width);
            }

            var (_, textArea) = new Rect(inner.Left, y, inner.Width, 1).SplitLeft(symbolWidth);
            LineRenderer.Render(buffer, textArea.Left, y, textArea.Width, Items[index], Style);
            if (isSelected)
            {
                buffer.SetStyle(new Rect(inner.Left, y, inner.Width, 1), HighlightStyle);
            }
        }
    }
}
