namespace TermChat.Tui.Styling;

/// <summary>
/// A terminal colour: the terminal's default, one of the 16 ANSI colours, a 256-colour palette
/// index or a 24-bit RGB value.
/// </summary>
public readonly record struct Color
{
    private Color(ColorKind kind, int value)
    {
        Kind = kind;
        Value = value;
    }

    public ColorKind Kind { get; }

    /// <summary>The ANSI number (0-15), palette index (0-255) or 0xRRGGBB, depending on <see cref="Kind"/>.</summary>
    public int Value { get; }

    public static Color Default => default;

    public static Color Black => Ansi(0);

    public static Color Red => Ansi(1);

    public static Color Green => Ansi(2);

    public static Color Yellow => Ansi(3);

    public static Color Blue => Ansi(4);

    public static Color Magenta => Ansi(5);

    public static Color Cyan => Ansi(6);

    public static Color Gray => Ansi(7);

    public static Color DarkGray => Ansi(8);

    public static Color BrightRed => Ansi(9);

    public static Color BrightGreen => Ansi(10);

    public static Color BrightYellow => Ansi(11);

    public static Color BrightBlue => Ansi(12);

    public static Color BrightMagenta => Ansi(13);

    public static Color BrightCyan => Ansi(14);

    public static Color White => Ansi(15);

    /// <summary>One of the 16 standard colours; out-of-range numbers are clamped.</summary>
    public static Color Ansi(int number) => new(ColorKind.Ansi16, Math.Clamp(number, 0, 15));

    public static Color Indexed(byte index) => new(ColorKind.Indexed, index);

    public static Color Rgb(byte red, byte green, byte blue) => new(ColorKind.Rgb, (red << 16) | (green << 8) | blue);
}
