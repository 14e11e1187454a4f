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
}
