using Terminal.Gui.Drawing;
using Terminal.Gui.Text;

namespace TermChat.Client.Views.Text;

/// <summary>
/// Terminal column widths as Terminal.Gui measures them when it draws (Wcwidth: CJK and most emoji take two
/// columns, combining marks none), so our wrapping and Terminal.Gui's drawing always agree.
/// </summary>
public static class Columns
{
    /// <summary>Columns <paramref name="text"/> takes.</summary>
    public static int Of(string text) => string.IsNullOrEmpty(text) ? 0 : text.GetColumns();

    /// <summary>The grapheme clusters of <paramref name="text"/>, as Terminal.Gui splits them.</summary>
    public static IEnumerable<string> Graphemes(string text) => GraphemeHelper.GetGraphemes(text);

    /// <summary>The longest prefix of <paramref name="text"/> (whole graphemes) that fits in <paramref name="width"/> columns.</summary>
    public static string Fit(string text, int width)
    {
        if (width <= 0)
        {
            return "";
        }
        int used = 0;
        int length = 0;
        foreach (string grapheme in Graphemes(text))
        {
            int w = Of(grapheme);
            if (used + w > width)
            {
                break;
            }
            used += w;
            length += grapheme.Length;
        }
        return text[..length];
    }
}
