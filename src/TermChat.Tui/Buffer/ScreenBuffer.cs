using TermChat.Tui.Geometry;
using TermChat.Tui.Styling;
using TermChat.Tui.Text;

namespace TermChat.Tui.Buffer;

/// <summary>
/// A grid of <see cref="Cell"/>s that widgets draw into. Writes outside the grid are ignored.
/// The buffer keeps wide glyphs consistent: a wide glyph's second cell is always a continuation,
/// and overwriting either half of a wide glyph blanks the other half.
/// </summary>
public sealed class ScreenBuffer
{
    private Cell[] _cells;

    public ScreenBuffer(int width, int height)
    {
        Width = Math.Max(0, width);
        Height = Math.Max(0, height);
        _cells = new Cell[Width * Height];
        Array.Fill(_cells, Cell.Blank);
    }

    public int Width { get; private set; }

    public int Height { get; private set; }

    public Rect Area => new(0, 0, Width, Height);

    public Cell this[int x, int y] => InBounds(x, y) ? _cells[(y * Width) + x] : Cell.Blank;

    /// <summary>Resets every cell to a blank default-styled space.</summary>
    public void Clear() => Array.Fill(_cells, Cell.Blank);

    /// <summary>Changes the size and clears the contents.</summary>
    public void Resize(int width, int height)
    {
        Width = Math.Max(0, width);
        Height = Math.Max(0, height);
        _cells = new Cell[Width * Height];
        Array.Fill(_cells, Cell.Blank);
    }

    /// <summary>Copies the contents of a buffer of the same size.</summary>
    public void CopyFrom(ScreenBuffer other)
    {
        if (other.Width != Width || other.Height != Height)
        {
            Resize(other.Width, other.Height);
        }

        other._cells.CopyTo(_cells, 0);
    }

    /// <summary>Fills <paramref name="area"/> with spaces in <paramref name="style"/>.</summary>
    public void Fill(Rect area, Style style)
    {
        var clipped = area.Intersect(Area);
        for (var y = clipped.Top; y < clipped.Bottom; y++)
        {
            for (var x = clipped.Left; x < clipped.Right; x++)
            {
                Put(x, y, " ", style, 1);
            }
        }
    }

    /// <summary>Applies <paramref name="style"/> on top of the existing style of every cell in <paramref name="area"/>.</summary>
    public void SetStyle(Rect area, Style style)
    {
        var clipped = area.Intersect(Area);
        for (var y = clipped.Top; y < clipped.Bottom; y++)
        {
            for (var x = clipped.Left; x < clipped.Right; x++)
            {
                ref var cell = ref _cells[(y * Width) + x];
                cell = cell with { Style = cell.Style.Patch(style) };
            }
        }
    }

    /// <summary>
    /// Writes sanitized <paramref name="text"/> starting at (<paramref name="x"/>, <paramref name="y"/>),
    /// one grapheme per cell (two for wide glyphs), stopping before the first glyph that would
    /// exceed <paramref name="maxWidth"/> columns or the buffer edge.
    /// </summary>
    /// <returns>The column after the last written glyph.</returns>
    public int SetString(int x, int y, string? text, Style style, int maxWidth = int.MaxValue)
    {
        if (string.IsNullOrEmpty(text) || y < 0 || y >= Height || x >= Width || maxWidth <= 0)
        {
            return x;
        }

        var limit = (int)Math.Min((long)x + maxWidth, Width);
        var column = x;
        foreach (var grapheme in TextWidth.Graphemes(TextSanitizer.Sanitize(text)))
        {
            var width = TextWidth.OfGrapheme(grapheme);
            if (width == 0)
            {
                continue;
            }

            if (column + width > limit)
            {
                break;
            }

            if (column >= 0)
            {
                Put(column, y, grapheme, style, width);
            }

            column += width;
        }

        return column;
    }

    /// <summary>Writes a single cell's symbol (sanitized; only its first grapheme is kept).</summary>
    public void SetSymbol(int x, int y, string symbol, Style style) => SetString(x, y, symbol, style, 2);

    private bool InBounds(int x, int y) => x >= 0 && y >= 0 && x < Width && y < Height;

    private void Put(int x, int y, string symbol, Style style, int width)
    {
        var row = y * Width;
        for (var p = x; p < x + width; p++)
        {
            var old = _cells[row + p];
            if (old.IsContinuation && p - 1 < x && p > 0)
            {
                var lead = _cells[row + p - 1];
                _cells[row + p - 1] = Cell.Space(lead.Style);
            }

            if (old.IsWide && p + 1 >= x + width && p + 1 < Width)
            {
                _cells[row + p + 1] = Cell.Space(_cells[row + p + 1].Style);
            }
        }

        _cells[row + x] = new Cell(symbol, style, (byte)width);
        if (width == 2)
        {
            _cells[row + x + 1] = Cell.ContinuationOf(style);
        }
    }
}
