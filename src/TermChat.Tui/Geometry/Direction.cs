namespace TermChat.Tui.Geometry;

/// <summary>The axis along which a <see cref="Layout"/> splits an area.</summary>
public enum Direction
{
    Horizontal,
    Vertical,
}
