using System.Globalization;
using System.Text;
using TermChat.Client.Views.Text;
using TermChat.Protocol.Text;

namespace TermChat.Client.Tests.Views;

/// <summary>
/// Peer text drawn in the full-screen client takes as many columns in the view (Terminal.Gui's cells, as
/// <see cref="Columns"/> counts them) as in the terminal (glibc's wcwidth, per code point), after the sanitizer's
/// cell-grid pass: otherwise the frame's right-hand rule moves.
/// </summary>
public sealed class CellWidthTests
{
    [GlibcFact]
    public void Every_code_point_after_the_cell_grid_pass_is_as_wide_in_the_view_as_in_glibc_wcwidth()
    {
        var wrong = GlibcWcwidth.InUtf8Locale(wcwidth =>
        {
            var found = new List<string>();
            // Up to the supplementary private use planes (U+F0000..), one column everywhere like the BMP's U+E000...
            for (int codePoint = 0x20; codePoint < 0xF0000 && found.Count < 20; codePoint++)
            {
                // Surrogates cannot be sent; unassigned code points are U+FFFD from the first pass on.
                if (codePoint is >= 0xD800 and <= 0xDFFF || CharUnicodeInfo.GetUnicodeCategory(codePoint) == UnicodeCategory.OtherNotAssigned)
                {
                    continue;
                }
                // Alone, after a letter and after a wide emoji: a zero-width code point joins what is before it.
                string symbol = char.ConvertFromUtf32(codePoint);
                foreach (string text in (string[])[symbol, "a" + symbol + "b", "\U0001F600" + symbol])
                {
                    if (Disagreement(text, wcwidth) is { } why)
                    {
                        found.Add($"U+{codePoint:X4} in \"{Escape(text)}\": {why}");
                        break;
                    }
                }
            }
            return found;
        });
        Assert.True(wrong.Count == 0, string.Join("\n", wrong));
    }

    // Each class the bug report names, and sequences that mix them, built from code points.
    [GlibcFact]
    public void Emoji_sequences_marks_and_wide_text_after_the_cell_grid_pass_are_as_wide_in_the_view_as_in_glibc_wcwidth()
    {
        string[] samples =
        [
            "\U0001F469\u200D\U0001F469\u200D\U0001F467 family", // ZWJ sequence
            "\U0001F3F3\uFE0F\u200D\U0001F308 flag", // rainbow flag: narrow base, VS16, ZWJ
            "\U0001F9D1\U0001F3FD\u200D\U0001F4BB", // skin tone inside a ZWJ sequence
            "\U0001F44D\U0001F3FD\U0001F44B\U0001F3FB", // skin tones
            "\u2764\uFE0F \u263A\uFE0F 1\uFE0F\u20E3 \u00A9\uFE0F", // VS16 and a keycap
            "\U0001F600\uFE0E", // VS15
            "a\uFEFFb\u200Bc\u2060d\u2028e\u2029f", // BOM/ZWNBSP, zero-width space, word joiner, separators
            "\u0301\u0302 e\u0301 a\u0308\u0323 \u20E3", // combining marks with and without a base
            "\u4F60\u597D\u4E16\u754C \uFF21\uFF22 \u3000 \u1100\u1161\u11A8", // East Asian wide, fullwidth, jamo
            "\U0001F1EB\U0001F1F7\U0001F1E9", // regional indicators: a flag and one left over
            "\U0001F3F4\U000E0067\U000E0062\U000E0073\U000E0063\U000E0074\U000E007F", // tag flag
            "\u0939\u093F\u0928\u094D\u0926\u0940 \u0BA4\u0BAE\u0BBF\u0BB4\u0BCD \u0E01\u0E33", // Hindi, Tamil, Thai
            "new \U0001FAE8 \U0001FA89 old \U0001FAE0 \u2630",
        ];
        var wrong = GlibcWcwidth.InUtf8Locale(wcwidth =>
            samples.Select(s => Disagreement(s, wcwidth) is { } why ? $"\"{Escape(s)}\": {why}" : null).OfType<string>().ToList());
        Assert.True(wrong.Count == 0, string.Join("\n", wrong));
    }

    [Fact]
    public void A_spacing_mark_is_a_piece_of_its_own_and_every_piece_takes_at_least_one_column()
    {
        // Hindi "हिन्दी": ि (U+093F) and ी (U+0940) are spacing marks; the virama (U+094D) is not.
        Assert.Equal(["\u0939", "\u093F", "\u0928\u094D", "\u0926", "\u0940"], Columns.Graphemes("\u0939\u093F\u0928\u094D\u0926\u0940"));
        Assert.Equal(5, Columns.Of("\u0939\u093F\u0928\u094D\u0926\u0940"));
        Assert.Equal(6, Columns.Of("\U0001F469\U0001F469\U0001F467"));
        Assert.Equal("\u0939\u093F", Columns.Fit("\u0939\u093F\u0928\u094D", 2));
    }

    // Why the view and the terminal would draw text differently, or null when they agree.
    private static string? Disagreement(string text, Func<int, int> wcwidth)
    {
        string shown = TextSanitizer.Sanitize(text, LineBreaks.Space, TextTarget.CellGrid);
        int terminal = 0;
        foreach (var rune in shown.EnumerateRunes())
        {
            int width = wcwidth(rune.Value);
            if (width < 0)
            {
                return $"U+{rune.Value:X4} is unknown to wcwidth ({Rune.GetUnicodeCategory(rune)}), which tmux draws zero columns wide";
            }
            terminal += width;
        }
        int view = Columns.Of(shown);
        return view == terminal ? null : $"shown as \"{Escape(shown)}\", {view} columns in the view, {terminal} in the terminal";
    }

    private static string Escape(string text) =>
        string.Concat(text.EnumerateRunes().Select(r => r.Value is >= 0x20 and < 0x7F ? r.ToString() : $"\\u{{{r.Value.ToString("X4", CultureInfo.InvariantCulture)}}}"));
}
