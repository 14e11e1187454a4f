using System.Text;
using TermChat.Tui.Backends;
using TermChat.Tui.Buffer;
using TermChat.Tui.Geometry;
using TermChat.Tui.Styling;

namespace TermChat.Tui.Rendering;

/// <summary>
/// Draws frames to a backend. Each frame is rendered into a fresh buffer, compared with the
/// previous frame, and only the changed cells are sent — as one write per frame. A size change
/// or <see cref="Invalidate"/> clears the screen and redraws everything.
/// </summary>
public sealed class Renderer
{
    private readonly ITerminalBackend _backend;
    private ScreenBuffer _previous = new(0, 0);
    private ScreenBuffer _current = new(0, 0);
    private bool _invalidated = true;
    private bool _cursorVisible;
    private bool _bellPending;
    private Position? _cursor;

    public Renderer(ITerminalBackend backend, RendererOptions? options = null)
    {
        _backend = backend;
        Options = options ?? RendererOptions.FromEnvironment();
    }

    public RendererOptions Options { get; }

    /// <summary>The last frame that was sent to the terminal.</summary>
    public ScreenBuffer LastFrame => _previous;

    /// <summary>Forces the next frame to be a full redraw.</summary>
    public void Invalidate() => _invalidated = true;

    /// <summary>
    /// Rings the terminal bell (BEL) at the end of the next frame, so it goes out in the same single
    /// write as the frame. Several requests before a frame ring once.
    /// </summary>
    public void Bell() => _bellPending = true;

    /// <summary>Takes over the terminal (raw mode, alternate screen, hidden cursor, bracketed paste).</summary>
    public void Enter()
    {
        _backend.Enter();
        _cursorVisible = false;
        _invalidated = true;
    }

    /// <summary>Gives the terminal back; safe to call more than once.</summary>
    public void Leave() => _backend.Leave();

    public void Draw(Action<Frame> draw)
    {
        var size = _backend.Size;
        if (size.Width != _current.Width || size.Height != _current.Height)
        {
            _current.Resize(size.Width, size.Height);
            _previous.Resize(size.Width, size.Height);
            _invalidated = true;
        }

        _current.Clear();
        var frame = new Frame(_current);
        draw(frame);

        var sb = new StringBuilder();
        if (_invalidated)
        {
            sb.Append(AnsiSequences.ResetStyle).Append(AnsiSequences.ClearScreen);
            _previous.Clear();
        }

        var wroteCells = AppendDiff(sb, _previous, _current);
        AppendCursor(sb, frame.Cursor, wroteCells || _invalidated);
        if (_bellPending)
        {
            sb.Append(AnsiSequences.Bell);
            _bellPending = false;
        }

        if (sb.Length > 0)
        {
            _backend.Write(sb.ToString());
            _backend.Flush();
        }

        _invalidated = false;
        (_previous, _current) = (_current, _previous);
    }

    private bool AppendDiff(StringBuilder sb, ScreenBuffer previous, ScreenBuffer next)
    {
        var style = Style.Default;
        var cursorX = -1;
        var cursorY = -1;
        var wrote = false;
        for (var y = 0; y < next.Height; y++)
        {
            for (var x = 0; x < next.Width; x++)
            {
                var cell = next[x, y];
                // The terminal fills a wide glyph's second column itself when the glyph is written.
                if (cell.IsContinuation || cell == previous[x, y])
                {
                    continue;
                }

                if (x != cursorX || y != cursorY)
                {
                    sb.Append(AnsiSequences.MoveTo(x, y));
                }

                var cellStyle = Options.NoColor ? new Style(Modifiers: cell.Style.Modifiers) : cell.Style;
                if (cellStyle != style)
                {
                    SgrWriter.Append(sb, cellStyle);
                    style = cellStyle;
                }

                sb.Append(cell.Symbol);
                cursorX = x + cell.Width;
                cursorY = y;
                wrote = true;
            }
        }

        if (style != Style.Default)
        {
            sb.Append(AnsiSequences.ResetStyle);
        }

        return wrote;
    }

    private void AppendCursor(StringBuilder sb, Position? cursor, bool terminalCursorMoved)
    {
        if (cursor is { } p && p.X >= 0 && p.Y >= 0 && p.X < _current.Width && p.Y < _current.Height)
        {
            if (terminalCursorMoved || !_cursorVisible || _cursor != p)
            {
                sb.Append(AnsiSequences.MoveTo(p.X, p.Y));
            }

            if (!_cursorVisible)
            {
                sb.Append(AnsiSequences.ShowCursor);
                _cursorVisible = true;
            }

            _cursor = p;
        }
        else if (_cursorVisible)
        {
            sb.Append(AnsiSequences.HideCursor);
            _cursorVisible = false;
            _cursor = null;
        }
    }
}
