namespace TermChat.Tui.Widgets;

/// <summary>Which sides of a <see cref="Block"/> have a border.</summary>
[Flags]
public enum Borders
{
    None = 0,
    Top = 1,
    Right = 2,
    Bottom = 4,
    Left = 8,
    All = Top | Right | Bottom | Left,
}
