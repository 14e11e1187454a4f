using TermChat.Protocol.Text;
using TermChat.Client.Views.Text;
using Terminal.Gui.Drawing;
using Terminal.Gui.ViewBase;
using Attribute = Terminal.Gui.Drawing.Attribute;

namespace TermChat.Client.Views;

/// <summary>
/// Turns span roles into Terminal.Gui attributes on top of a view's normal attribute (which comes from the
/// theme's scheme), and draws styled rows. With NO_COLOR set, only text styles (bold, faint, reverse) are
/// used and every colour stays the theme's; under the high-contrast theme nothing is faint and every colour is
/// a bright one.
/// </summary>
internal static class ChatPalette
{
    /// <summary>True when the NO_COLOR convention asks for no colours (set to anything, https://no-color.org).</summary>
    public static bool NoColorFromEnvironment => Environment.GetEnvironmentVariable("NO_COLOR") is not null;

    // High contrast: six 256-colour indices, each at least 7:1 against black (cyan, green, yellow, pink, orange, lavender).
    private static readonly byte[] s_highContrastNicks = [87, 119, 227, 219, 215, 147];
    private const byte HighContrastYellow = 227;
    private const byte HighContrastRed = 210;

    /// <summary>The attribute for <paramref name="style"/> drawn over <paramref name="normal"/>.</summary>
    public static Attribute Resolve(SpanStyle style, Attribute normal, ColorMode colors)
    {
        bool plain = colors == ColorMode.None;
        bool high = colors == ColorMode.HighContrast;
        var fg = normal.Foreground;
        var bg = normal.Background;
        var text = normal.Style;
        switch (style.Role)
        {
            case SpanRole.Dim:
                // Faint text is exactly what a high-contrast user cannot read.
                text |= high ? TextStyle.None : TextStyle.Faint;
                break;
            case SpanRole.Mention:
                fg = plain ? fg : high ? Indexed(HighContrastYellow) : new Color(ColorName16.BrightYellow);
                text |= TextStyle.Bold;
                break;
            case SpanRole.Error:
                fg = plain ? fg : high ? Indexed(HighContrastRed) : new Color(ColorName16.BrightRed);
                text |= TextStyle.Bold;
                break;
            case SpanRole.Status:
                fg = plain ? fg : high ? Indexed(HighContrastYellow) : new Color(ColorName16.Yellow);
                break;
            case SpanRole.Nick:
                fg = plain ? fg : Indexed(high ? HighContrastNick(style.NickColor) : style.NickColor);
                break;
            case SpanRole.OwnNick:
                fg = plain ? fg : Indexed(high ? HighContrastNick(style.NickColor) : style.NickColor);
                text |= TextStyle.Bold;
                break;
            case SpanRole.Marker:
                fg = plain ? fg : high ? Indexed(HighContrastRed) : new Color(ColorName16.Red);
                text |= plain || high ? TextStyle.Bold : TextStyle.None;
                break;
            case SpanRole.Bold:
                text |= TextStyle.Bold;
                break;
            case SpanRole.Reverse:
                text |= TextStyle.Reverse;
                break;
        }
        return new Attribute(fg, bg, text);
    }

    /// <summary>The high-contrast colour standing in for nick colour <paramref name="index"/> (same nick, same colour).</summary>
    public static byte HighContrastNick(byte index) => s_highContrastNicks[index % s_highContrastNicks.Length];

    /// <summary>
    /// Draws <paramref name="line"/> at (<paramref name="x"/>, <paramref name="y"/>) of <paramref name="view"/>'s viewport,
    /// clipped to <paramref name="width"/> columns. Every span passes the sanitizer on its way to the view.
    /// </summary>
    /// <returns>The column after the last glyph drawn.</returns>
    public static int Draw(View view, int x, int y, int width, StyledLine line, Attribute normal, ColorMode colors)
    {
        int column = x;
        int end = x + width;
        foreach (var span in line.Spans)
        {
            if (column >= end)
            {
                break;
            }
            string text = Columns.Fit(TextSanitizer.Sanitize(span.Content, LineBreaks.Space, TextTarget.CellGrid), end - column);
            if (text.Length == 0)
            {
                continue;
            }
            view.SetAttribute(Resolve(span.Style, normal, colors));
            // One grapheme at a time, as Columns counts them: Terminal.Gui would join a spacing mark to its base again.
            foreach (string grapheme in Columns.Graphemes(text))
            {
                view.Move(column, y);
                view.AddStr(grapheme);
                column += Columns.Of(grapheme);
            }
        }
        view.SetAttribute(normal);
        return column;
    }

    /// <summary>Fills a row with spaces in <paramref name="attribute"/>.</summary>
    public static void Fill(View view, int y, int width, Attribute attribute)
    {
        view.SetAttribute(attribute);
        view.Move(0, y);
        view.AddStr(new string(' ', Math.Max(0, width)));
    }

    // The xterm 256-colour cube and grey ramp as RGB, so Terminal.Gui can pick the nearest colour the terminal has.
    private static Color Indexed(byte index)
    {
        if (index < 16)
        {
            return new Color((ColorName16)index);
        }
        if (index >= 232)
        {
            int grey = 8 + ((index - 232) * 10);
            return new Color(grey, grey, grey);
        }
        int cube = index - 16;
        static int Level(int v) => v == 0 ? 0 : 55 + (v * 40);
        return new Color(Level(cube / 36), Level(cube / 6 % 6), Level(cube % 6));
    }
}
