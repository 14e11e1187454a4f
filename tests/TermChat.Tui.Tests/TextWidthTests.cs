using FsCheck;
using FsCheck.Fluent;
using TermChat.Tui.Text;

namespace TermChat.Tui.Tests;

public class TextWidthTests
{
    [Theory]
    [InlineData("abc", 3)]
    [InlineData("你好", 4)]
    [InlineData("😀", 2)]
    [InlineData("👨‍👩‍👧", 2)]
    [InlineData("e\u0301", 1)]
    [InlineData("🇫🇷", 2)]
    [InlineData("❤️", 2)]
    [InlineData("ｈｉ", 4)]
    [InlineData("\u200B", 0)]
    [InlineData("", 0)]
    public void Width_is_measured_per_grapheme(string text, int expected) => Assert.Equal(expected, TextWidth.Of(text));

    [Fact]
    public void Zwj_family_is_one_grapheme() => Assert.Single(TextWidth.Graphemes("👨‍👩‍👧"));

    [Fact]
    public void Combining_mark_stays_with_its_base() => Assert.Equal(["e\u0301", "x"], TextWidth.Graphemes("e\u0301x"));

    [Fact]
    public void Wrap_breaks_at_words() =>
        Assert.Equal(["hello", "world foo"], WordWrap.Wrap("hello world foo", 9));

    [Fact]
    public void Wrap_breaks_long_words_by_grapheme() =>
        Assert.Equal(["abcd", "efgh", "ij"], WordWrap.Wrap("abcdefghij", 4));

    [Fact]
    public void Wrap_never_splits_a_wide_glyph() =>
        Assert.Equal(["你好", "世界!"], WordWrap.Wrap("你好世界!", 5));

    [Fact]
    public void Wrap_keeps_zwj_sequences_whole() =>
        Assert.Equal(["a", "👨‍👩‍👧", "b"], WordWrap.Wrap("a👨‍👩‍👧b", 2));

    [Fact]
    public void Wrap_honours_newlines() =>
        Assert.Equal(["one", "", "two"], WordWrap.Wrap("one\n\ntwo", 10));

    [Fact]
    public void Wrapping_strips_whole_escape_sequences_not_just_their_esc()
    {
        var text = "a \u001b[2J b \u001b[31;1mred\u001b[0m \u001b]0;title\u0007 c \u009b2J d \u009d0;osc8\u009c e \u001bP1$r\u001b\\ f";

        Assert.Equal(["a  b red  c  d  e  f"], WordWrap.Wrap(text, 80));
        Assert.Equal(["a", "b", "red", "c", "d", "e", "f"], WordWrap.Wrap(text, 3));
    }

    [Fact]
    public void Wrapping_styled_lines_keeps_line_breaks_and_strips_sequences_in_each_span()
    {
        var line = new Line([new Span("x\u001b[2J\r\ny\u001b]0;t\u0007"), new Span("\u001b[1mz")]);

        Assert.Equal(["x", "yz"], WordWrap.Wrap(line, 10).Select(l => l.ToString()));
    }

    [Fact]
    public void Wrap_to_zero_width_gives_no_lines() => Assert.Empty(WordWrap.Wrap("abc", 0));

    [Fact]
    public void Wrapped_lines_never_exceed_the_width()
    {
        Prop.ForAll<string, PositiveInt>((text, width) =>
        {
            var w = (width.Get % 20) + 2;
            return WordWrap.Wrap(text ?? string.Empty, w).All(line => TextWidth.Of(line) <= w);
        }).QuickCheckThrowOnFailure();
    }

    [Theory]
    [InlineData("a\e[31mb", "ab")]
    [InlineData("a\e]0;title\ab", "ab")]
    [InlineData("a\e]8;;http://x\e\\b", "ab")]
    [InlineData("a\u009B2Jb", "ab")]
    [InlineData("a\u0007\u0008\u007F\u0085b", "ab")]
    [InlineData("a\ePqq\e\\b", "ab")]
    [InlineData("a\e(Bb", "ab")]
    [InlineData("x\u202Eevil", "xevil")]
    [InlineData("tab\there", "tab here")]
    [InlineData("你好 😀", "你好 😀")]
    public void Sanitizer_strips_controls_and_escape_sequences(string input, string expected) =>
        Assert.Equal(expected, TextSanitizer.Sanitize(input));

    [Fact]
    public void Sanitized_text_never_contains_controls()
    {
        Prop.ForAll<string>(text =>
            TextSanitizer.Sanitize(text).All(c => c >= 0x20 && !(c >= 0x7F && c < 0xA0))).QuickCheckThrowOnFailure();
    }
}
