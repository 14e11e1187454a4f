using TermChat.Protocol.Text;

namespace TermChat.Client.Views.Text;

/// <summary>
/// Wraps styled text to a column width at word boundaries. Words longer than the width are broken between
/// graphemes; a grapheme is never split and wide glyphs count as two columns (<see cref="Columns"/>).
/// '\n' starts a new row; whitespace at a wrap point is dropped. Span text is sanitized here, so peer text
/// reaches the view only through <see cref="TextSanitizer"/>.
/// </summary>
public static class WordWrap
{
    /// <summary>Wraps <paramref name="spans"/> into rows no wider than <paramref name="width"/> (except a lone glyph wider than the width).</summary>
    public static IReadOnlyList<StyledLine> Wrap(IReadOnlyList<Span> spans, int width)
    {
        ArgumentNullException.ThrowIfNull(spans);
        var result = new List<StyledLine>();
        if (width <= 0)
        {
            return result;
        }
        var paragraph = new List<Glyph>();
        foreach (var span in spans)
        {
            // Sanitize whole spans, not graphemes: a grapheme at a time would drop the ESC of "\e[2J" and keep "[2J".
            string[] pieces = TextSanitizer.Sanitize(span.Content, LineBreaks.Keep, TextTarget.CellGrid).Split('\n');
            for (int p = 0; p < pieces.Length; p++)
            {
                if (p > 0)
                {
                    WrapParagraph(paragraph, width, result);
                    paragraph.Clear();
                }
                foreach (string grapheme in Columns.Graphemes(pieces[p].Replace('\t', ' ')))
                {
                    paragraph.Add(new Glyph(grapheme, span.Style, Columns.Of(grapheme)));
                }
            }
        }
        WrapParagraph(paragraph, width, result);
        return result;
    }

    private static void WrapParagraph(List<Glyph> glyphs, int width, List<StyledLine> output)
    {
        var current = new List<Glyph>();
        int currentWidth = 0;
        bool wrapped = false;
        int i = 0;
        while (i < glyphs.Count)
        {
            bool isSpace = glyphs[i].IsWhitespace;
            int end = i;
            int tokenWidth = 0;
            while (end < glyphs.Count && glyphs[end].IsWhitespace == isSpace)
            {
                tokenWidth += glyphs[end].Width;
                end++;
            }
            if (isSpace)
            {
                // Leading whitespace is kept on the first row only; after a wrap it is dropped.
                if (!(wrapped && current.Count == 0))
                {
                    for (int k = i; k < end && currentWidth + glyphs[k].Width <= width; k++)
                    {
                        current.Add(glyphs[k]);
                        currentWidth += glyphs[k].Width;
                    }
                }
            }
            else if (currentWidth + tokenWidth <= width)
            {
                current.AddRange(glyphs.Skip(i).Take(end - i));
                currentWidth += tokenWidth;
            }
            else
            {
                if (tokenWidth <= width && current.Count > 0)
                {
                    Emit(current, output);
                    current.Clear();
                    currentWidth = 0;
                    wrapped = true;
                }
                for (int k = i; k < end; k++)
                {
                    var glyph = glyphs[k];
                    if (currentWidth + glyph.Width > width && current.Count > 0)
                    {
                        Emit(current, output);
                        current.Clear();
                        currentWidth = 0;
                        wrapped = true;
                    }
                    current.Add(glyph);
                    currentWidth += glyph.Width;
                }
            }
            i = end;
        }
        Emit(current, output);
    }

    private static void Emit(List<Glyph> glyphs, List<StyledLine> output)
    {
        int count = glyphs.Count;
        if (glyphs.Exists(g => !g.IsWhitespace))
        {
            while (glyphs[count - 1].IsWhitespace)
            {
                count--;
            }
        }
        var spans = new List<Span>();
        int start = 0;
        for (int k = 1; k <= count; k++)
        {
            if (k == count || glyphs[k].Style != glyphs[start].Style)
            {
                spans.Add(new Span(string.Concat(glyphs.Skip(start).Take(k - start).Select(g => g.Symbol)), glyphs[start].Style));
                start = k;
            }
        }
        output.Add(new StyledLine(spans));
    }

    private readonly record struct Glyph(string Symbol, SpanStyle Style, int Width)
    {
        public bool IsWhitespace => Symbol.Length > 0 && char.IsWhiteSpace(Symbol[0]);
    }
}
