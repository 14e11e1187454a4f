using System.Globalization;
using TermChat.Tui.Geometry;
using TermChat.Tui.Styling;
using TermChat.Tui.Text;

namespace TermChat.Tui.Backends;

/// <summary>
/// A minimal VT emulator for exactly what the renderer emits (CUP, SGR, EL, ED, alternate screen,
/// cursor visibility, bracketed paste mode). Anything else — including any control character —
/// throws, so tests fail loudly when output contains something unexpected.
/// </summary>
internal sealed class VirtualTerminal
{
    private (string Symbol, Style Style, bool Continuation)[] _main;
    private (string Symbol, Style Style, bool Continuation)[] _alternate;
    private Style _style;

    public VirtualTerminal(int width, int height)
    {
        Width = width;
        Height = height;
        _main = NewScreen(width, height);
        _alternate = NewScreen(width, height);
    }

    public int Width { get; private set; }

    public int Height { get; private set; }

    public Position Cursor { get; private set; }

    public bool CursorVisible { get; private set; } = true;

    public bool IsAlternateScreen { get; private set; }

    public bool BracketedPaste { get; private set; }

    /// <summary>How many times BEL was written (the only control character the renderer may send).</summary>
    public int BellCount { get; private set; }

    private (string Symbol, Style Style, bool Continuation)[] Screen => IsAlternateScreen ? _alternate : _main;

    public void Resize(int width, int height)
    {
        // Real terminals reflow or crop; the renderer redraws fully after a resize anyway.
        Width = width;
        Height = height;
        _main = NewScreen(width, height);
        _alternate = NewScreen(width, height);
        Cursor = new Position(Math.Min(Cursor.X, Math.Max(0, width - 1)), Math.Min(Cursor.Y, Math.Max(0, height - 1)));
    }

    public string[] Lines()
    {
        var lines = new string[Height];
        for (var y = 0; y < Height; y++)
        {
            lines[y] = string.Concat(Enumerable.Range(0, Width).Select(x => Screen[(y * Width) + x]).Where(c => !c.Continuation).Select(c => c.Symbol));
        }

        return lines;
    }

    public Style StyleAt(int x, int y) => Screen[(y * Width) + x].Style;

    public void Apply(string text)
    {
        var i = 0;
        while (i < text.Length)
        {
            if (text[i] == '\e')
            {
                i = ApplyEscape(text, i);
                continue;
            }

            if (text[i] == '\a')
            {
                BellCount++;
                i++;
                continue;
            }

            if (text[i] < 0x20 || text[i] is (>= '\u007F' and < '\u00A0'))
            {
                throw new InvalidOperationException($"Control character U+{(int)text[i]:X4} reached the terminal.");
            }

            var length = StringInfo.GetNextTextElementLength(text, i);
            Print(text.Substring(i, length));
            i += length;
        }
    }

    private int ApplyEscape(string text, int start)
    {
        if (start + 1 >= text.Length || text[start + 1] != '[')
        {
            throw new InvalidOperationException("Unsupported escape sequence.");
        }

        var i = start + 2;
        while (i < text.Length && text[i] is >= '0' and <= '?')
        {
            i++;
        }

        if (i >= text.Length)
        {
            throw new InvalidOperationException("Truncated CSI sequence.");
        }

        var parameters = text[(start + 2)..i];
        var final = text[i];
        switch (final)
        {
            case 'H':
                var parts = parameters.Split(';');
                var row = parts.Length > 0 && int.TryParse(parts[0], out var r) ? r : 1;
                var col = parts.Length > 1 && int.TryParse(parts[1], out var c) ? c : 1;
                Cursor = new Position(Math.Clamp(col - 1, 0, Math.Max(0, Width - 1)), Math.Clamp(row - 1, 0, Math.Max(0, Height - 1)));
                break;
            case 'm':
                ApplySgr(parameters);
                break;
            case 'J' when parameters == "2":
                Erase(0, Width * Height);
                break;
            case 'J' when parameters is "" or "0":
                Erase((Cursor.Y * Width) + Cursor.X, Width * Height);
                break;
            case 'K' when parameters is "" or "0":
                Erase((Cursor.Y * Width) + Cursor.X, (Cursor.Y + 1) * Width);
                break;
            case 'K' when parameters == "2":
                Erase(Cursor.Y * Width, (Cursor.Y + 1) * Width);
                break;
            case 'h' or 'l':
                SetMode(parameters, final == 'h');
                break;
            default:
                throw new InvalidOperationException($"Unsupported CSI sequence '{parameters}{final}'.");
        }

        return i + 1;
    }

    private void SetMode(string parameters, bool on)
    {
        switch (parameters)
        {
            case "?1049":
                IsAlternateScreen = on;
                if (on)
                {
                    _alternate = NewScreen(Width, Height);
                }

                break;
            case "?25":
                CursorVisible = on;
                break;
            case "?2004":
                BracketedPaste = on;
                break;
            default:
                throw new InvalidOperationException($"Unsupported mode '{parameters}'.");
        }
    }

    private void ApplySgr(string parameters)
    {
        var codes = parameters.Length == 0 ? [0] : parameters.Split(';').Select(p => int.Parse(p, CultureInfo.InvariantCulture)).ToArray();
        for (var k = 0; k < codes.Length; k++)
        {
            var code = codes[k];
            _style = code switch
            {
                0 => Style.Default,
                1 => _style.Add(Modifiers.Bold),
                2 => _style.Add(Modifiers.Dim),
                3 => _style.Add(Modifiers.Italic),
                4 => _style.Add(Modifiers.Underline),
                7 => _style.Add(Modifiers.Reverse),
                >= 30 and <= 37 => _style.WithForeground(Color.Ansi(code - 30)),
                >= 90 and <= 97 => _style.WithForeground(Color.Ansi(code - 90 + 8)),
                >= 40 and <= 47 => _style.WithBackground(Color.Ansi(code - 40)),
                >= 100 and <= 107 => _style.WithBackground(Color.Ansi(code - 100 + 8)),
                38 or 48 => ExtendedColor(codes, ref k, code == 38),
                _ => throw new InvalidOperationException($"Unsupported SGR code {code}."),
            };
        }
    }

    private Style ExtendedColor(int[] codes, ref int k, bool foreground)
    {
        Color color;
        if (codes[k + 1] == 5)
        {
            color = Color.Indexed((byte)codes[k + 2]);
            k += 2;
        }
        else
        {
            color = Color.Rgb((byte)codes[k + 2], (byte)codes[k + 3], (byte)codes[k + 4]);
            k += 4;
        }

        return foreground ? _style.WithForeground(color) : _style.WithBackground(color);
    }

    private void Print(string grapheme)
    {
        var width = TextWidth.OfGrapheme(grapheme);
        if (width == 0 || Cursor.X + width > Width || Cursor.Y >= Height)
        {
            return;
        }

        var screen = Screen;
        var row = Cursor.Y * Width;
        for (var p = Cursor.X; p < Cursor.X + width; p++)
        {
            // Like a real terminal, overwriting half of a wide glyph erases the other half.
            if (screen[row + p].Continuation && p > 0)
            {
                screen[row + p - 1] = (" ", screen[row + p - 1].Style, false);
            }

            if (p + 1 < Width && screen[row + p + 1].Continuation && p + 1 >= Cursor.X + width)
            {
                screen[row + p + 1] = (" ", screen[row + p + 1].Style, false);
            }
        }

        screen[row + Cursor.X] = (grapheme, _style, false);
        if (width == 2)
        {
            screen[row + Cursor.X + 1] = (string.Empty, _style, true);
        }

        Cursor = new Position(Math.Min(Cursor.X + width, Width - 1), Cursor.Y);
    }

    private void Erase(int from, int to)
    {
        var screen = Screen;
        for (var k = Math.Max(0, from); k < Math.Min(to, screen.Length); k++)
        {
            screen[k] = (" ", _style, false);
        }
    }

    private static (string, Style, bool)[] NewScreen(int width, int height)
    {
        var screen = new (string, Style, bool)[width * height];
        Array.Fill(screen, (" ", Style.Default, false));
        return screen;
    }
}
