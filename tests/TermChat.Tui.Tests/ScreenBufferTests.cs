using FsCheck;
using FsCheck.Fluent;
using TermChat.Tui.Buffer;
using TermChat.Tui.Styling;

namespace TermChat.Tui.Tests;

public class ScreenBufferTests
{
    [Fact]
    public void Wide_glyph_occupies_two_cells()
    {
        var buffer = new ScreenBuffer(4, 1);
        var end = buffer.SetString(0, 0, "你x", Style.Default);
        Assert.Equal(3, end);
        Assert.True(buffer[0, 0].IsWide);
        Assert.True(buffer[1, 0].IsContinuation);
        Assert.Equal("x", buffer[2, 0].Symbol);
    }

    [Fact]
    public void Overwriting_the_second_half_of_a_wide_glyph_clears_the_first_half()
    {
        var buffer = new ScreenBuffer(4, 1);
        buffer.SetString(0, 0, "你", Style.Default);
        buffer.SetString(1, 0, "a", Style.Default);
        Assert.Equal(Cell.Blank, buffer[0, 0]);
        Assert.Equal("a", buffer[1, 0].Symbol);
    }

    [Fact]
    public void Overwriting_the_first_half_of_a_wide_glyph_clears_the_second_half()
    {
        var buffer = new ScreenBuffer(4, 1);
        buffer.SetString(0, 0, "😀", Style.Default);
        buffer.SetString(0, 0, "a", Style.Default);
        Assert.Equal("a", buffer[0, 0].Symbol);
        Assert.Equal(Cell.Blank, buffer[1, 0]);
    }

    [Fact]
    public void Wide_glyph_that_does_not_fit_is_not_written()
    {
        var buffer = new ScreenBuffer(3, 1);
        Assert.Equal(2, buffer.SetString(0, 0, "ab你", Style.Default));
        Assert.Equal(Cell.Blank, buffer[2, 0]);
    }

    [Fact]
    public void Max_width_limits_the_text()
    {
        var buffer = new ScreenBuffer(10, 1);
        Assert.Equal(3, buffer.SetString(0, 0, "abcdef", Style.Default, 3));
    }

    [Fact]
    public void Writes_outside_the_buffer_are_ignored()
    {
        var buffer = new ScreenBuffer(2, 2);
        buffer.SetString(-1, 0, "abc", Style.Default);
        buffer.SetString(0, 5, "abc", Style.Default);
        buffer.SetString(0, -1, "abc", Style.Default);
        Assert.Equal("b", buffer[0, 0].Symbol);
        new ScreenBuffer(0, 0).SetString(0, 0, "abc", Style.Default);
    }

    [Fact]
    public void Escape_sequences_never_reach_the_terminal()
    {
        var screen = new Screen(12, 2);
        screen.Draw(f =>
        {
            f.Buffer.SetString(0, 0, "a\e[2Jb\e]0;pwned\a\u009B31mc\r\nd", Style.Default);
            f.Buffer.SetString(0, 1, "\e[?1049l\u0007x", Style.Default);
        });
        Assert.Equal(["abcd        ", "x           "], screen.Lines);
        Assert.True(screen.Backend.IsAlternateScreen);
        Assert.DoesNotContain(screen.Backend.Writes, w => w.Contains("pwned", StringComparison.Ordinal));
    }

    [Fact]
    public void Random_text_never_injects_control_characters()
    {
        Prop.ForAll<string>(text =>
        {
            var screen = new Screen(8, 2);
            // The virtual terminal throws on any control character or unsupported sequence.
            screen.Draw(f => f.Buffer.SetString(0, 0, text, Style.Default));
            return true;
        }).QuickCheckThrowOnFailure();
    }
}
