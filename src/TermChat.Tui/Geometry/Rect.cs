namespace TermChat.Tui.Geometry;

/// <summary>
/// An axis-aligned area of cells. All arithmetic saturates: no operation throws or produces
/// negative sizes, so layout code can shrink areas freely at tiny terminal sizes.
/// </summary>
public readonly record struct Rect
{
    public Rect(int x, int y, int width, int height)
    {
        X = Math.Max(0, x);
        Y = Math.Max(0, y);
        // Keep Right/Bottom representable so callers can add without overflow.
        Width = (int)Math.Clamp((long)width, 0, int.MaxValue - X);
        Height = (int)Math.Clamp((long)height, 0, int.MaxValue - Y);
    }

    public static Rect Empty => default;

    public int X { get; }

    public int Y { get; }

    public int Width { get; }

    public int Height { get; }

    public int Left => X;

    public int Top => Y;

    /// <summary>The first column to the right of the area.</summary>
    public int Right => X + Width;

    /// <summary>The first row below the area.</summary>
    public int Bottom => Y + Height;

    public bool IsEmpty => Width == 0 || Height == 0;

    public long Area => (long)Width * Height;

    public bool Contains(int x, int y) => x >= X && x < Right && y >= Y && y < Bottom;

    /// <summary>Shrinks the area by the same margin on every side.</summary>
    public Rect Inner(int margin) => Inner(margin, margin);

    /// <summary>Shrinks the area by a horizontal margin (left and right) and a vertical margin (top and bottom).</summary>
    public Rect Inner(int horizontal, int vertical)
    {
        var h = Math.Max(0, horizontal);
        var v = Math.Max(0, vertical);
        var width = Width - (2L * h);
        var height = Height - (2L * v);
        if (width <= 0 || height <= 0)
        {
            return new Rect(X + Math.Min(h, Width), Y + Math.Min(v, Height), 0, 0);
        }

        return new Rect(X + h, Y + v, (int)width, (int)height);
    }

    public Rect Intersect(Rect other)
    {
        var left = Math.Max(X, other.X);
        var top = Math.Max(Y, other.Y);
        var right = Math.Min(Right, other.Right);
        var bottom = Math.Min(Bottom, other.Bottom);
        return right <= left || bottom <= top ? new Rect(left, top, 0, 0) : new Rect(left, top, right - left, bottom - top);
    }

    /// <summary>Splits off at most <paramref name="rows"/> rows from the top.</summary>
    public (Rect Top, Rect Remainder) SplitTop(int rows)
    {
        var n = Math.Clamp(rows, 0, Height);
        return (new Rect(X, Y, Width, n), new Rect(X, Y + n, Width, Height - n));
    }

    /// <summary>Splits off at most <paramref name="rows"/> rows from the bottom.</summary>
    public (Rect Remainder, Rect Bottom) SplitBottom(int rows)
    {
        var n = Math.Clamp(rows, 0, Height);
        return (new Rect(X, Y, Width, Height - n), new Rect(X, Bottom - n, Width, n));
    }

    /// <summary>Splits off at most <paramref name="columns"/> columns from the left.</summary>
    public (Rect Left, Rect Remainder) SplitLeft(int columns)
    {
        var n = Math.Clamp(columns, 0, Width);
        return (new Rect(X, Y, n, Height), new Rect(X + n, Y, Width - n, Height));
    }

    /// <summary>Splits off at most <paramref name="columns"/> columns from the right.</summary>
    public (Rect Remainder, Rect Right) SplitRight(int columns)
    {
        var n = Math.Clamp(columns, 0, Width);
        return (new Rect(X, Y, Width - n, Height), new Rect(Right - n, Y, n, Height));
    }
}
