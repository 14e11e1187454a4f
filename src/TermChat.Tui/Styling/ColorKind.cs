namespace TermChat.Tui.Styling;

/// <summary>Which colour space a <see cref="Color"/> value belongs to.</summary>
public enum ColorKind : byte
{
    Default,
    Ansi16,
    Indexed,
    Rgb,
}
