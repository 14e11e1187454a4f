using System.Globalization;
using System.Text;

namespace TermChat.Protocol.Text;

/// <summary>
/// Makes peer text safe to write to a terminal: removes escape sequences (CSI, OSC, DCS, SOS, PM, APC
/// and two-byte ESC sequences, 7-bit and 8-bit forms), the C0 controls except line feed and tab, DEL,
/// the C1 controls, and the bidirectional controls that could disguise text (embeddings, overrides, isolates and the
/// LRM, RLM and ALM marks, as in the "Trojan Source" attacks). Code points whose width terminals
/// disagree on (noncharacters such as U+FFFF, code points not assigned in .NET's Unicode data, lone
/// surrogates) become U+FFFD, which every terminal draws one column wide: otherwise the view and the terminal
/// count columns differently and the rest of the row shifts. Everything else is kept.
/// Line feeds and tabs are kept or turned into spaces (<see cref="LineBreaks"/>). For a cell grid
/// (<see cref="TextTarget.CellGrid"/>) it also maps what terminals and the toolkit draw in different widths to a form
/// they all agree on (see <c>TextSanitizer.CellGrid.cs</c>). This is the one sanitizer: plain mode and the
/// full-screen views both pass peer text through it before it reaches the terminal.
/// </summary>
public static partial class TextSanitizer
{
    private const char Esc = '\u001b';
    private const char Bel = '\u0007';
    private const char C1Csi = '\u009b';
    private const char C1St = '\u009c';
    private const char Replacement = '\ufffd';

    /// <summary>Returns <paramref name="text"/> without anything a terminal would interpret.</summary>
    /// <param name="text">Untrusted text.</param>
    /// <param name="lineBreaks">Whether line feeds and tabs are kept or become spaces (for text shown on one row).</param>
    /// <param name="target">A stream of lines, or a cell grid, where characters of disputed width are changed too.</param>
    /// <returns>The safe text; the same instance when nothing needed changing.</returns>
    public static string Sanitize(string text, LineBreaks lineBreaks = LineBreaks.Keep, TextTarget target = TextTarget.Stream)
    {
        ArgumentNullException.ThrowIfNull(text);
        string safe = RemoveControls(text, lineBreaks);
        return target == TextTarget.CellGrid ? ForCellGrid(safe, lineBreaks) : safe;
    }

    private static string RemoveControls(string text, LineBreaks lineBreaks)
    {
        if (!NeedsWork(text, lineBreaks))
        {
            return text;
        }
        var output = new StringBuilder(text.Length);
        int i = 0;
        while (i < text.Length)
        {
            char c = text[i];
            if (c == Esc)
            {
                i = SkipEscape(text, i + 1);
            }
            else if (c == C1Csi)
            {
                i = SkipCsi(text, i + 1);
            }
            else if (c is '\u0090' or '\u0098' or '\u009d' or '\u009e' or '\u009f')
            {
                // 8-bit DCS, SOS, OSC, PM, APC: a string up to ST or BEL.
                i = SkipString(text, i + 1);
            }
            else if (c is '\n' or '\t' && lineBreaks == LineBreaks.Space)
            {
                output.Append(' ');
                i++;
            }
            else if (IsDropped(c))
            {
                i++;
            }
            else if (IsOddAt(text, i, out int length))
            {
                output.Append(Replacement);
                i += length;
            }
            else
            {
                output.Append(text, i, length);
                i += length;
            }
        }
        return output.ToString();
    }

    private static bool NeedsWork(string text, LineBreaks lineBreaks)
    {
        for (int i = 0; i < text.Length;)
        {
            char c = text[i];
            if (c == Esc || IsDropped(c) || c is >= '\u0080' and <= '\u009f' || (c is '\n' or '\t' && lineBreaks == LineBreaks.Space)
                || IsOddAt(text, i, out int length))
            {
                return true;
            }
            i += length;
        }
        return false;
    }

    // The code point at i: its length in chars (a surrogate pair is 2), and whether it is shown as U+FFFD: a lone
    // surrogate, a noncharacter (U+FDD0..U+FDEF, and the last two code points of every plane) or a code point
    // .NET has no character for.
    private static bool IsOddAt(string text, int i, out int length)
    {
        char c = text[i];
        length = 1;
        if (c < '\u0370')
        {
            // Latin, IPA, combining diacritics and below: all assigned.
            return false;
        }
        if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
        {
            length = 2;
            return IsOdd(char.ConvertToUtf32(c, text[i + 1]));
        }
        return char.IsSurrogate(c) || IsOdd(c);
    }

    private static bool IsOdd(int codePoint) =>
        codePoint is >= 0xFDD0 and <= 0xFDEF
        || (codePoint & 0xFFFE) == 0xFFFE
        || CharUnicodeInfo.GetUnicodeCategory(codePoint) == UnicodeCategory.OtherNotAssigned;

    private static bool IsDropped(char c) =>
        (c < ' ' && c is not '\n' and not '\t')
        || c is >= '\u007f' and <= '\u009f'
        || c is >= '\u202a' and <= '\u202e'
        || c is >= '\u2066' and <= '\u2069'
        || c is '\u200e' or '\u200f' or '\u061c';

    // i is just after ESC.
    private static int SkipEscape(string text, int i)
    {
        if (i >= text.Length)
        {
            return i;
        }
        char kind = text[i];
        return kind switch
        {
            '[' => SkipCsi(text, i + 1),
            ']' or 'P' or 'X' or '^' or '_' => SkipString(text, i + 1),
            // nF sequences: intermediates 0x20-0x2F then one final byte.
            >= ' ' and <= '/' => SkipIntermediates(text, i),
            // Any other single character after ESC (Fe, Fp, Fs) ends the sequence, unless it is a control.
            _ when kind >= ' ' && kind <= '~' => i + 1,
            _ => i,
        };
    }

    private static int SkipIntermediates(string text, int i)
    {
        while (i < text.Length && text[i] is >= ' ' and <= '/')
        {
            i++;
        }
        return i < text.Length && text[i] is >= '0' and <= '~' ? i + 1 : i;
    }

    // Parameters 0x30-0x3F, intermediates 0x20-0x2F, one final byte 0x40-0x7E.
    private static int SkipCsi(string text, int i)
    {
        while (i < text.Length && text[i] is >= '0' and <= '?')
        {
            i++;
        }
        while (i < text.Length && text[i] is >= ' ' and <= '/')
        {
            i++;
        }
        return i < text.Length && text[i] is >= '@' and <= '~' ? i + 1 : i;
    }

    // Control strings end at ST (ESC \ or 0x9C) or BEL; an unterminated one swallows the rest.
    private static int SkipString(string text, int i)
    {
        while (i < text.Length)
        {
            char c = text[i];
            if (c == Bel || c == C1St)
            {
                return i + 1;
            }
            if (c == Esc && i + 1 < text.Length && text[i + 1] == '\\')
            {
                return i + 2;
            }
            i++;
        }
        return i;
    }
}
