using TermChat.Tui.Styling;

namespace TermChat.Tui.Text;

/// <summary>
/// Wraps text to a column width at word boundaries. Words longer than the width are broken
/// between graphemes; a grapheme is never split and wide glyphs count as two columns.
/// '\n' starts a new line. Whitespace at a wrap point is dropped.
/// </summary>
public static class WordWrap
{
    /// <summary>Wraps plain text into lines no wider than <paramref name="width"/> (except a lone glyph wider than the width).</summary>
    public static IReadOnlyList<string> Wrap(string? text, int width) =>
        [.. Wrap(new Line([new Span(text ?? string.Empty)]), width).Select(l => l.ToString())];

    /// <summary>Wraps a styled line, keeping each grapheme's style.</summary>
    public static IReadOnlyList<Line> Wrap(Line line, int width)
    {
        var result = new List<Line>();
        if (width <= 0)
        {
            return result;
        }

        var paragraph = new List<Glyph>();
        foreach (var span in line.Spans)
        {
            var pieces = span.Content.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n', '\r');
            for (var p = 0; p < pieces.Length; p++)
            {
                if (p > 0)
                {
                    WrapParagraph(paragraph, width, line.Alignment, result);
                    paragraph.Clear();
                }

                // Sanitize whole pieces, not graphemes: a grapheme at a time would drop the ESC of "\e[2J" and keep "[2J".
                foreach (var grapheme in TextWidth.Graphemes(TextSanitizer.Sanitize(pieces[p])))
                {
                    paragraph.Add(new Glyph(grapheme, span.Style, TextWidth.OfGrapheme(grapheme)));
                }
            }
        }

        WrapParagraph(paragraph, width, line.Alignment, result);
        return result;
    }

    private static void WrapParagraph(List<Glyph> glyphs, int width, Alignment alignment, List<Line> output)
    {
        var current = new List<Glyph>();
        var currentWidth = 0;
        var wrapped = false;
        var i = 0;
        while (i < glyphs.Count)
        {
            var isSpace = glyphs[i].IsWhitespace;
            var end = i;
            var tokenWidth = 0;
            while (end < glyphs.Count && glyphs[end].IsWhitespace == isSpace)
            {
                tokenWidth += glyphs[end].Width;
                end++;
            }

            if (isSpace)
            {
                // Leading whitespace is kept on the first line only; after a wrap it is dropped.
                if (!(wrapped && current.Count == 0))
                {
                    for (var k = i; k < end && currentWidth + glyphs[k].Width <= width; k++)
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
                    Emit(current, alignment, output);
                    current.Clear();
                    currentWidth = 0;
                    wrapped = true;
                }

                for (var k = i; k < end; k++)
                {
                    var glyph = glyphs[k];
                    if (currentWidth + glyph.Width > width && current.Count > 0)
                    {
                        Emit(current, alignment, output);
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

        Emit(current, alignment, output);
    }

    private static void Emit(List<Glyph> glyphs, Alignment alignment, List<Line> output)
    {
        var count = glyphs.Count;
        if (glyphs.Exists(g => !g.IsWhitespace))
        {
            while (glyphs[count - 1].IsWhitespace)
            {
                count--;
            }
        }

        var spans = new List<Span>();
        var start = 0;
        for (var k = 1; k <= count; k++)
        {
            if (k == count || glyphs[k].Style != glyphs[start].Style)
            {
                spans.Add(new Span(string.Concat(glyphs.Skip(start).Take(k - start).Select(g => g.Symbol)), glyphs[start].Style));
                start = k;
            }
        }

        output.Add(new Line(spans, alignment));
    }

    private readonly record struct Glyph(string Symbol, Style Style, int Width)
    {
        public bool IsWhitespace => Symbol.Length > 0 && char.IsWhiteSpace(Symbol[0]);
    }
}
