using TermChat.Tui.Buffer;
using TermChat.Tui.Geometry;
using TermChat.Tui.Widgets;

namespace TermChat.Tui.Rendering;

/// <summary>One frame being drawn: the buffer to render widgets into and where the cursor should go.</summary>
public sealed class Frame
{
    internal Frame(ScreenBuffer buffer) => Buffer = buffer;

    public ScreenBuffer Buffer { get; }

    public Rect Area => Buffer.Area;

    /// <summary>Where to show the terminal cursor after the frame; null hides it.</summary>
    public Position? Cursor { get; set; }

    public void Render(IWidget widget, Rect area) => widget.Render(area, Buffer);
}
