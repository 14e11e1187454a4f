using FsCheck;
using FsCheck.Fluent;
using TermChat.Protocol.Text;

namespace TermChat.Protocol.Tests.Text;

public sealed class TextSanitizerTests
{
    [Theory]
    [InlineData("hello", "hello")]
    [InlineData("line\nnext\ttab", "line\nnext\ttab")]
    [InlineData("\u001b[31mred\u001b[0m", "red")]
    [InlineData("\u001b[2J\u001b[Hclear", "clear")]
    [InlineData("\u001b]0;pwned title\u0007after", "after")]
    [InlineData("\u001b]8;;http://x\u001b\\link\u001b]8;;\u001b\\", "link")]
    [InlineData("\u001bPdevice control\u001b\\ok", "ok")]
    [InlineData("a\u001b(Bb", "ab")]
    [InlineData("a\u001b7b\u001b8c", "abc")]
    [InlineData("\u009b31mc1 csi", "c1 csi")]
    [InlineData("\u009d0;title\u009cx", "x")]
    [InlineData("bell\u0007 back\bspace\r cr\u007f del\u0085", "bell backspace cr del")]
    [InlineData("abc\u202edisguised\u202c", "abcdisguised")]
    [InlineData("unterminated \u001b]0;rest", "unterminated ")]
    [InlineData("trailing esc\u001b", "trailing esc")]
    [InlineData("日本語 and emoji 😀", "日本語 and emoji 😀")]
    public void Escape_sequences_and_controls_are_removed_and_text_is_kept(string input, string expected) =>
        Assert.Equal(expected, TextSanitizer.Sanitize(input));

    [Fact]
    public void Sanitized_text_never_contains_a_control_character_other_than_newline_and_tab()
    {
        Prop.ForAll<string>(text =>
        {
            string clean = TextSanitizer.Sanitize(text ?? "");
            return clean.All(c => c is '\n' or '\t' || !(char.IsControl(c) || c is >= '\u202a' and <= '\u202e' or >= '\u2066' and <= '\u2069'));
        }).QuickCheckThrowOnFailure();
    }

    [Theory]
    [InlineData("line\nnext\ttab", "line next tab")]
    [InlineData("a\u009B2J\nb", "a b")]
    [InlineData("tab\there", "tab here")]
    public void With_line_breaks_as_spaces_newlines_and_tabs_become_one_space_each(string input, string expected) =>
        Assert.Equal(expected, TextSanitizer.Sanitize(input, LineBreaks.Space));

    [Theory]
    [InlineData("a\uffffb", "a\ufffdb")]
    [InlineData("a\ufdd0\ufdefb", "a\ufffd\ufffdb")]
    [InlineData("plane end \U0001FFFE \U0010FFFF", "plane end \ufffd \ufffd")]
    [InlineData("unassigned \u0378 \U000E0080", "unassigned \ufffd \ufffd")]
    [InlineData("kept: \u00ad\ufeff\u200b\u200d\ue000 😀👨‍👩‍👧 🇫🇷 e\u0301", "kept: \u00ad\ufeff\u200b\u200d\ue000 😀👨‍👩‍👧 🇫🇷 e\u0301")]
    public void Code_points_terminals_disagree_on_become_one_replacement_character_each(string input, string expected)
    {
        Assert.Equal(expected, TextSanitizer.Sanitize(input));
        Assert.Equal(expected, TextSanitizer.Sanitize(input, LineBreaks.Space));
    }

    [Fact]
    public void A_lone_surrogate_becomes_one_replacement_character()
    {
        // Not theory data: test runners cannot serialize strings that are not valid UTF-16.
        Assert.Equal("lone \ufffd and \ufffd surrogates", TextSanitizer.Sanitize("lone \ud800 and \udc00 surrogates"));
        Assert.Equal("swapped \ufffd\ufffd", TextSanitizer.Sanitize("swapped \udc00\ud800"));
        Assert.Equal("a high surrogate at the end \ufffd", TextSanitizer.Sanitize("a high surrogate at the end \ud83d", LineBreaks.Space));
    }

    [Fact]
    public void Sanitized_text_has_no_lone_surrogate_and_no_noncharacter()
    {
        Prop.ForAll<string>(text =>
        {
            string clean = TextSanitizer.Sanitize(text ?? "");
            for (int i = 0; i < clean.Length; i++)
            {
                if (char.IsHighSurrogate(clean[i]) && i + 1 < clean.Length && char.IsLowSurrogate(clean[i + 1]))
                {
                    i++;
                }
                else if (char.IsSurrogate(clean[i]) || clean[i] is >= '\ufdd0' and <= '\ufdef' or '\ufffe' or '\uffff')
                {
                    return false;
                }
            }
            return true;
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void With_line_breaks_as_spaces_no_control_character_is_left()
    {
        Prop.ForAll<string>(text =>
            TextSanitizer.Sanitize(text ?? "", LineBreaks.Space).All(c => c >= 0x20 && !(c >= 0x7F && c < 0xA0))).QuickCheckThrowOnFailure();
    }

    // For a cell grid, each class of characters whose width Terminal.Gui and the terminal count differently (measured
    // in tmux 3.3a over glibc 2.36, see docs/CLIENT.md) becomes what both draw alike. Built from code points, not glyphs.
    [Theory]
    [InlineData("a\ufeffb", "ab")] // BOM / ZWNBSP
    [InlineData("a\u200bb\u2060c\u180ed", "abcd")] // zero-width space, word joiner, Mongolian vowel separator
    [InlineData("x\u2061\u2062\u2063\u2064y", "xy")] // invisible mathematical operators
    [InlineData("x\ufff9note\ufffbend", "xnoteend")] // interlinear annotation marks
    [InlineData("\u2764\ufe0f \u263a\ufe0f \u00a9\ufe0f", "\u2764 \u263a \u00a9")] // VS16 after a narrow base
    [InlineData("\U0001F600\ufe0f", "\U0001F600")] // VS16 after a wide base changes nothing and goes too
    [InlineData("1\ufe0f\u20e3", "1\u20e3")] // keycap: the enclosing mark stays on its digit
    [InlineData("\U0001F44D\U0001F3FB\U0001F44D\U0001F3FF", "\U0001F44D\U0001F44D")] // skin-tone modifiers
    [InlineData("\U0001F469\u200d\U0001F469\u200d\U0001F467", "\U0001F469\U0001F469\U0001F467")] // ZWJ family: its parts
    [InlineData("\U0001F3F3\ufe0f\u200d\U0001F308", "\U0001F3F3\U0001F308")] // rainbow flag
    [InlineData("\U0001F9D1\U0001F3FD\u200d\U0001F4BB", "\U0001F9D1\U0001F4BB")] // technologist with a skin tone
    [InlineData("\U0001F3C3\u200d\u2640\ufe0f", "\U0001F3C3\u2640")] // woman running: a joiner before a narrow symbol
    [InlineData("\u0915\u094d\u200d\u0937 \u0646\u200c\u0645", "\u0915\u094d\u200d\u0937 \u0646\u200c\u0645")] // joiners inside words stay
    [InlineData("e\u0301 a\u0308\u0323 \u1100\u1161\u11a8", "e\u0301 a\u0308\u0323 \u1100\u1161\u11a8")] // marks on a base, Hangul syllable from jamo
    [InlineData("\u0301x", "\u00a0\u0301x")] // a combining mark with no base is put on a no-break space
    [InlineData("\u20e3", "\u00a0\u20e3")] // an enclosing mark alone
    [InlineData("\u4f60\u597d \uff21\uff22 \u3000", "\u4f60\u597d \uff21\uff22 \u3000")] // East Asian wide and fullwidth stay
    [InlineData("\U0001F1EB\U0001F1F7", "\U0001F1EB\U0001F1F7")] // a regional-indicator flag stays
    [InlineData("\U0001F3F4\U000E0067\U000E0062\U000E0073\U000E0063\U000E0074\U000E007F", "\U0001F3F4\U000E0067\U000E0062\U000E0073\U000E0063\U000E0074\U000E007F")] // a tag flag stays
    [InlineData("soft\u00adhyphen \u0600\u0661", "soft\u00adhyphen \u0661")] // soft hyphen kept; Arabic number sign (joined to the digit by the view) dropped
    [InlineData("\u1161 a\u11a8 \uac00\u11a8", "\ufffd a\ufffd \uac00\u11a8")] // a vowel or final jamo with no Hangul before it
    [InlineData("\u0897 \u0cf3", "\ufffd \ufffd")] // marks newer than Unicode 14
    [InlineData("\u0939\u093f\u0928\u094d\u0926\u0940", "\u0939\u093f\u0928\u094d\u0926\u0940")] // Hindi: spacing marks are the view's to place
    [InlineData("new \U0001FAE8 \U0001FA89 \U00031350", "new \ufffd \ufffd \ufffd")] // assigned after Unicode 14
    [InlineData("\u2630\u268a \U0001D300 \u3248", "\ufffd\ufffd \ufffd \ufffd")] // East Asian width changed in Unicode 15/16
    public void For_a_cell_grid_characters_of_disputed_width_become_what_terminal_and_view_draw_alike(string input, string expected)
    {
        Assert.Equal(expected, TextSanitizer.Sanitize(input, LineBreaks.Keep, TextTarget.CellGrid));
        Assert.Equal(expected, TextSanitizer.Sanitize(input, LineBreaks.Space, TextTarget.CellGrid));
    }

    [Theory]
    [InlineData("a\u2028b\u2029c", "a\nb\nc", "a b c")]
    [InlineData("\u2028\u0301", "\n\u00a0\u0301", " \u0301")]
    [InlineData("a\n\u0301b", "a\n\u00a0\u0301b", "a \u0301b")]
    public void For_a_cell_grid_line_and_paragraph_separators_are_line_breaks_and_a_mark_after_one_has_no_base(string input, string kept, string spaced)
    {
        Assert.Equal(kept, TextSanitizer.Sanitize(input, LineBreaks.Keep, TextTarget.CellGrid));
        Assert.Equal(spaced, TextSanitizer.Sanitize(input, LineBreaks.Space, TextTarget.CellGrid));
    }

    [Fact]
    public void For_a_stream_characters_of_disputed_width_are_all_kept()
    {
        string text = "a\ufeffb\u200b \u2764\ufe0f \U0001F44D\U0001F3FD \U0001F469\u200d\U0001F467 \u0301x \U0001FAE8 \u2630";
        Assert.Same(text, TextSanitizer.Sanitize(text));
        Assert.Same(text, TextSanitizer.Sanitize(text, LineBreaks.Space, TextTarget.Stream));
    }

    [Fact]
    public void Cell_grid_text_is_safe_and_sanitizing_it_again_changes_nothing()
    {
        Prop.ForAll<string>(text =>
        {
            string once = TextSanitizer.Sanitize(text ?? "", LineBreaks.Keep, TextTarget.CellGrid);
            return once == TextSanitizer.Sanitize(once, LineBreaks.Keep, TextTarget.CellGrid)
                && once == TextSanitizer.Sanitize(TextSanitizer.Sanitize(text ?? ""), LineBreaks.Keep, TextTarget.CellGrid)
                && !once.Contains('\ufe0f') && !once.Contains('\ufeff') && !once.Contains('\u200b')
                && once.All(c => c is '\n' or '\t' || !char.IsControl(c));
        }).QuickCheckThrowOnFailure();
    }
}
