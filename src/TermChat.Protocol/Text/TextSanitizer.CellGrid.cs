using System.Globalization;
using System.Text;

namespace TermChat.Protocol.Text;

// The cell-grid pass. A full-screen toolkit gives every grapheme cluster one or two cells; the terminal (tmux, or
// an xterm-like terminal going by wcwidth) advances by the sum of its code points' widths. Where the two differ, the
// rest of the row moves and the frame's right-hand rule is pushed out or pulled in. Measured with Terminal.Gui 2.5
// in tmux 3.3a on Debian 12 (glibc 2.36 wcwidth, Unicode 14) — docs/CLIENT.md, "Wide and invisible characters":
//   * zero-width format characters standing alone (U+FEFF, U+200B, U+2060...) get a cell of their own in the
//     toolkit and none in the terminal: dropped, they carry no meaning on a cell grid; so are the ones kept inside
//     words and flags (joiners, tags) where they have nothing before them;
//   * U+2028/U+2029 likewise: they are line breaks, so they become one;
//   * a combining mark with no base (at the start of the text or after a line break) gets a cell in the toolkit and
//     joins the cell before it in the terminal: it is put on a no-break space, as Unicode suggests for showing one;
//   * U+FE0F asks for emoji presentation, which newer terminals draw two columns wide and wcwidth counts as one: it
//     is dropped, the character keeps its default presentation (one column everywhere);
//   * emoji skin-tone modifiers are part of the emoji's cluster to the toolkit (two columns) and two more columns
//     to the terminal: dropped, the emoji stays;
//   * a zero-width joiner between emoji (a symbol on either side of it) makes one two-column cluster to the toolkit
//     and tmux but the sum of its parts to an xterm-like terminal: dropped, the sequence shows as its parts (👩‍👧 as
//     👩👧), the same width everywhere. Joiners inside words (Indic, Arabic scripts) stay: there the widths agree;
//   * code points whose width the toolkit and wcwidth disagree on (mostly those assigned after Unicode 14, which
//     terminals on common distributions do not know yet and draw zero columns wide) become U+FFFD.
public static partial class TextSanitizer
{
    private const char NoBreakSpace = '\u00a0';

    private static string ForCellGrid(string text, LineBreaks lineBreaks)
    {
        if (!NeedsCellGridWork(text))
        {
            return text;
        }
        var output = new StringBuilder(text.Length);
        // The last code point written (-1 at the start): a joiner next to a symbol goes; a mark after none or after a
        // line break has no base.
        int previous = -1;
        int i = 0;
        while (i < text.Length)
        {
            // The first pass left no lone surrogates.
            var rune = Rune.GetRuneAt(text, i);
            i += rune.Utf16SequenceLength;
            int codePoint = rune.Value;
            var category = Rune.GetUnicodeCategory(rune);
            if (codePoint is 0xFE0F or (>= 0x1F3FB and <= 0x1F3FF))
            {
                continue;
            }
            if (codePoint == 0x200D && (IsSymbol(previous) || (i < text.Length && IsSymbol(Rune.GetRuneAt(text, i).Value))))
            {
                continue;
            }
            bool noBase = previous == -1 || previous is '\n' or '\t';
            if (category == UnicodeCategory.Format && (!IsKeptFormat(codePoint) || noBase))
            {
                continue;
            }
            if (category is UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator)
            {
                char lineBreak = lineBreaks == LineBreaks.Keep ? '\n' : ' ';
                output.Append(lineBreak);
                previous = lineBreak;
                continue;
            }
            if (IsDisputedWidth(codePoint) || (IsMedialOrFinalJamo(codePoint) && !IsHangul(previous)))
            {
                output.Append(Replacement);
                previous = Replacement;
                continue;
            }
            if (category is UnicodeCategory.NonSpacingMark or UnicodeCategory.EnclosingMark && noBase)
            {
                output.Append(NoBreakSpace);
            }
            output.Append(text, i - rune.Utf16SequenceLength, rune.Utf16SequenceLength);
            previous = codePoint;
        }
        return output.ToString();
    }

    // Everything below U+0300 (Latin, IPA, spacing modifiers) is one column everywhere; a line break may be followed
    // by a combining mark, which the loop sees.
    private static bool NeedsCellGridWork(string text)
    {
        foreach (char c in text)
        {
            if (c >= '\u0300')
            {
                return true;
            }
        }
        return false;
    }

    private static bool IsSymbol(int codePoint) =>
        codePoint >= 0 && Rune.IsValid(codePoint) && Rune.GetUnicodeCategory(new Rune(codePoint)) == UnicodeCategory.OtherSymbol;

    // Format characters that mean something on a cell grid and whose width everyone agrees on: the soft hyphen (one
    // column), the joiners inside words and the tag characters of subdivision flags (🏴 with tags), zero columns
    // inside the flag. (The prepended concatenation marks such as the Arabic number sign U+0600 are not: the toolkit
    // joins them to the character after them, wcwidth gives them a column.)
    private static bool IsKeptFormat(int codePoint) =>
        codePoint is 0x00AD or 0x200C or 0x200D
            or (>= 0xE0020 and <= 0xE007F);

    // A vowel or final consonant jamo joins the Hangul before it into one syllable; alone, wcwidth gives it no
    // column and the toolkit one.
    private static bool IsMedialOrFinalJamo(int codePoint) => codePoint is (>= 0x1160 and <= 0x11FF) or (>= 0xD7B0 and <= 0xD7FF);

    private static bool IsHangul(int codePoint) =>
        codePoint is (>= 0x1100 and <= 0x11FF) or (>= 0xA960 and <= 0xA97F) or (>= 0xD7B0 and <= 0xD7FF) or (>= 0xAC00 and <= 0xD7A3);
}
