using System.Globalization;
using System.Text;
using Terminal.Gui.Drawing;
using Terminal.Gui.Text;

namespace TermChat.Client.Views.Text;

/// <summary>
/// Terminal column widths as Terminal.Gui lays text out when it draws, so our wrapping and its drawing always agree:
/// every grapheme it is given takes one cell, or two when wide (CJK, most emoji). Text reaching here has passed
/// <see cref="TermChat.Protocol.Text.TextSanitizer"/> for a cell grid, which leaves only graphemes whose width the
/// terminal counts the same; the one exception it cannot map away is a spacing mark (Indic vowel signs such as the
/// ि of कि): Terminal.Gui counts it inside its grapheme, wcwidth as one column of its own, so <see cref="Graphemes"/>
/// hands it over as a piece of its own, drawn in its own cell, which is where the terminal puts it.
/// </summary>
public static class Columns
{
    /// <summary>Columns <paramref name="text"/> takes when its <see cref="Graphemes"/> are drawn one after another.</summary>
    public static int Of(string text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return 0;
        }
        int columns = 0;
        foreach (string piece in Graphemes(text))
        {
            columns += Cells(piece);
        }
        return columns;
    }

    /// <summary>
    /// The grapheme clusters of <paramref name="text"/> as Terminal.Gui splits them, each cut again before a spacing
    /// mark; draw them one at a time (<see cref="ChatPalette"/>) so Terminal.Gui cannot join them again.
    /// </summary>
    public static IEnumerable<string> Graphemes(string text)
    {
        foreach (string grapheme in GraphemeHelper.GetGraphemes(text))
        {
            if (grapheme.Length == 1)
            {
                yield return grapheme;
                continue;
            }
            // A cluster wider than two columns (an emoji with a halfwidth sound mark) would get two cells: it is cut
            // before each code point that takes a column, as the terminal places them.
            bool whole = Cells(grapheme) == grapheme.EnumerateRunes().Sum(r => Math.Max(0, r.GetColumns()));
            int start = 0;
            for (int i = 0; i < grapheme.Length;)
            {
                var rune = Rune.GetRuneAt(grapheme, i);
                if (i > start && (IsSpacingMark(rune) || (!whole && rune.GetColumns() > 0)))
                {
                    yield return grapheme[start..i];
                    start = i;
                }
                i += rune.Utf16SequenceLength;
            }
            yield return start == 0 ? grapheme : grapheme[start..];
        }
    }

    /// <summary>The longest prefix of <paramref name="text"/> (whole graphemes) that fits in <paramref name="width"/> columns.</summary>
    public static string Fit(string text, int width)
    {
        if (width <= 0)
        {
            return "";
        }
        int used = 0;
        int length = 0;
        foreach (string piece in Graphemes(text))
        {
            int w = Cells(piece);
            if (used + w > width)
            {
                break;
            }
            used += w;
            length += piece.Length;
        }
        return text[..length];
    }

    // The spacing marks of the grapheme rules: the Mc category, and the Thai and Lao vowel signs AM, which are letters.
    private static bool IsSpacingMark(Rune rune) =>
        rune.Value is 0x0E33 or 0x0EB3 || Rune.GetUnicodeCategory(rune) == UnicodeCategory.SpacingCombiningMark;

    // Terminal.Gui gives a grapheme one cell, even one it measures as zero columns, and two when it is wide.
    private static int Cells(string grapheme) => grapheme.GetColumns() > 1 ? 2 : 1;
}
