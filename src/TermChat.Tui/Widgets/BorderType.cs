namespace TermChat.Tui.Widgets;

/// <summary>The glyph set used to draw a <see cref="Block"/> border.</summary>
public enum BorderType
{
    Plain,
    Rounded,
    Double,
}
