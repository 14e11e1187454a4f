using TermChat.Tui.Geometry;

namespace TermChat.Tui.Widgets;

/// <summary>The horizontal scroll of a <see cref="TextInput"/> and where its cursor ended up, kept across frames.</summary>
public sealed class TextInputState
{
    /// <summary>The first visible column of the text.</summary>
    public int ScrollOffset { get; set; }

    /// <summary>The screen position of the cursor after the last render, or null when there was no room for it.</summary>
    public Position? Cursor { get; internal set; }
}
