using TermChat.Client.Views.Text;
using Terminal.Gui.Drawing;
using Terminal.Gui.ViewBase;

namespace TermChat.Client.Views;

/// <summary>A one-row view whose content is computed when drawn (title bar, status bar).</summary>
internal sealed class RowView : View
{
    /// <summary>How chat text is coloured over the theme.</summary>
    public ColorMode Colors { get; init; }

    private readonly Func<int, StyledLine> _content;
    private readonly SpanStyle _fill;

    /// <param name="content">The row for a given width.</param>
    /// <param name="fill">The style of the whole row behind the content.</param>
    public RowView(Func<int, StyledLine> content, SpanStyle fill = default)
    {
        _content = content;
        _fill = fill;
        CanFocus = false;
        Height = 1;
    }

    // The row is filled with its own background below; Terminal.Gui's clear would only be drawn over.
    protected override bool OnClearingViewport() => true;

    protected override bool OnDrawingContent(DrawContext? context)
    {
        var normal = GetAttributeForRole(VisualRole.Normal);
        var background = ChatPalette.Resolve(_fill, normal, Colors);
        int width = Viewport.Width;
        ChatPalette.Fill(this, 0, width, background);
        ChatPalette.Draw(this, 0, 0, width, _content(width), background, Colors);
        return true;
    }
}
