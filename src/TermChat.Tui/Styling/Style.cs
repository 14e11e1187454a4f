namespace TermChat.Tui.Styling;

/// <summary>Foreground, background and attribute flags of a cell.</summary>
public readonly record struct Style(Color Foreground = default, Color Background = default, Modifiers Modifiers = Modifiers.None)
{
    public static Style Default => default;

    public Style WithForeground(Color color) => this with { Foreground = color };

    public Style WithBackground(Color color) => this with { Background = color };

    public Style Add(Modifiers modifiers) => this with { Modifiers = Modifiers | modifiers };

    public Style Remove(Modifiers modifiers) => this with { Modifiers = Modifiers & ~modifiers };

    /// <summary>Layers <paramref name="other"/> on top: its non-default colours win and its modifiers are added.</summary>
    public Style Patch(Style other) => new(
        other.Foreground.Kind == ColorKind.Default ? Foreground : other.Foreground,
        other.Background.Kind == ColorKind.Default ? Background : other.Background,
        Modifiers | other.Modifiers);
}
