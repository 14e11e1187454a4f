namespace TermChat.Tui.Geometry;

/// <summary>The size of a terminal in cells; negative values are clamped to zero.</summary>
public readonly record struct TerminalSize
{
    public TerminalSize(int width, int height)
    {
        Width = Math.Max(0, width);
        Height = Math.Max(0, height);
    }

    public int Width { get; }

    public int Height { get; }
}
