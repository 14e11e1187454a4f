namespace TermChat.Tui.Styling;

/// <summary>Text attributes that do not involve colour (still emitted when NO_COLOR is set).</summary>
[Flags]
public enum Modifiers : byte
{
    None = 0,
    Bold = 1,
    Dim = 2,
    Italic = 4,
    Underline = 8,
    Reverse = 16,
}
