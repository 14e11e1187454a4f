using TermChat.Client.Text;
using TermChat.Client.Views.Text;
using Terminal.Gui.Drawing;
using Terminal.Gui.ViewBase;
using Attribute = Terminal.Gui.Drawing.Attribute;

namespace TermChat.Client.Views;

/// <summary>
/// Turns span roles into Terminal.Gui attributes on top of a view's normal attribute (which comes from the
/// theme's scheme), and draws styled rows. With NO_COLOR set, only text styles (bold, faint, reverse) are
/// used and every colour stays the theme's.
/// </summary>
internal static class ChatPalette
{
    /// <summary>True when the NO_COLOR convention asks for no colours (set to anything, https://no-color.org).</summary>
    public static bool NoColorFromEnvironment => Environment.GetEnvironmentVariable("NO_COLOR") is not null;

    /// <summary>The attribute for <paramref name="style"/> drawn over <paramref name="normal"/>.</summary>
    public static Attribute Resolve(SpanStyle style, Attribute normal, bool noColor)
    {
        var fg = normal.Foreground;
        var bg = normal.Background;
        var text = normal.Style;
        switch (style.Role)
        {
            case SpanRole.Dim:
                text |= TextStyle.Faint;
                break;
            case SpanRole.Mention:
                fg = noColor ? fg : new Color(ColorName16.BrightYellow);
                text |= TextStyle.Bold;
                break;
            case SpanRole.Error:
                fg = noColor ? fg : new Color(ColorName16.BrightRed);
                text |= TextStyle.Bold;
                break;
            case SpanRole.Status:
                fg = noColor ? fg : new Color(ColorName16.Yellow);
                break;
            case SpanRole.Nick:
                fg = noColor ? fg : Indexed(style.NickColor);
                break;
            case SpanRole.OwnNick:
                fg = noColor ? fg : Indexed(style.NickColor);
                text |= TextStyle.Bold;
                break;
            case SpanRole.Marker:
                fg = noColor ? fg : new Color(ColorName16.Red);
                text |= noColor ? TextStyle.Bold : TextStyle.None;
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

    /// <summary>
    /// Draws <paramref name="line"/> at (<paramref name="x"/>, <paramref name="y"/>) of <paramref name="view"/>'s viewport,
    /// clipped to <paramref name="width"/> columns. Every span passes the sanitizer on its way to the view.
    /// </summary>
    /// <returns>The column after the last glyph drawn.</returns>
    public static int Draw(View view, int x, int y, int width, StyledLine line, Attribute normal, bool noColor)
    {
        int column = x;
        int end = x + width;
        foreach (var span in line.Spans)
        {
            if (column >= end)
            {
                break;
            }
            string text = Columns.Fit(TextSanitizer.Sanitize(span.Content, LineBreaks.Space), end - column);
            if (text.Length == 0)
            {
                continue;
            }
            view.SetAttribute(Resolve(span.Style, normal, noColor));
            view.Move(column, y);
            view.AddStr(text);
            column += Columns.Of(text);
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
