using TermChat.Tui.Buffer;
using TermChat.Tui.Geometry;

namespace TermChat.Tui.Widgets;

/// <summary>
/// Something that draws itself into an area of a <see cref="ScreenBuffer"/>. Implementations
/// clip to the area and the buffer and never throw, whatever the size (including 0x0).
/// </summary>
public interface IWidget
{
    void Render(Rect area, ScreenBuffer buffer);
}
