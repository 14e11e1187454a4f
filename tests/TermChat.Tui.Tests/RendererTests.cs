using TermChat.Tui.Geometry;
using TermChat.Tui.Styling;

namespace TermChat.Tui.Tests;

public class RendererTests
{
    [Fact]
    public void First_frame_draws_the_whole_screen()
    {
        var screen = new Screen(6, 2);
        screen.Draw(f =>
        {
            f.Buffer.SetString(0, 0, "你好!", Style.Default);
            f.Buffer.SetString(0, 1, "😀 e\u0301", Style.Default);
        });
        Assert.Equal(["你好! ", "😀 e\u0301  "], screen.Lines);
    }

    [Fact]
    public void Zwj_family_renders_as_one_wide_glyph()
    {
        var screen = new Screen(4, 1);
        screen.Draw(f => f.Buffer.SetString(0, 0, "👨‍👩‍👧x", Style.Default));
        Assert.Equal(["👨‍👩‍👧x "], screen.Lines);
    }

    [Fact]
    public void Changing_one_cell_writes_only_that_cell()
    {
        var screen = new Screen(10, 3);
        screen.Draw(f => f.Buffer.SetString(0, 1, "hello", Style.Default));
        var written = screen.Draw(f => f.Buffer.SetString(0, 1, "hallo", Style.Default));
        Assert.Equal("\e[2;2Ha", written);
        Assert.Equal(["          ", "hallo     ", "          "], screen.Lines);
    }

    [Fact]
    public void A_bell_goes_out_once_at_the_end_of_the_next_frame()
    {
        var screen = new Screen(5, 1);
        screen.Draw(f => f.Buffer.SetString(0, 0, "abc", Style.Default));
        screen.Renderer.Bell();
        screen.Renderer.Bell();
        Assert.Equal("\a", screen.Draw(f => f.Buffer.SetString(0, 0, "abc", Style.Default)));
        Assert.Equal(1, screen.Backend.BellCount);
        Assert.Equal("\e[1;1Hx", screen.Draw(f => f.Buffer.SetString(0, 0, "xbc", Style.Default)));
        Assert.Equal(1, screen.Backend.BellCount);
        Assert.Equal(["xbc  "], screen.Lines);
    }

    [Fact]
    public void An_unchanged_frame_writes_nothing()
    {
        var screen = new Screen(5, 1);
        screen.Draw(f => f.Buffer.SetString(0, 0, "abc", Style.Default));
        var writes = screen.Backend.Writes.Count;
        Assert.Equal(string.Empty, screen.Draw(f => f.Buffer.SetString(0, 0, "abc", Style.Default)));
        Assert.Equal(writes, screen.Backend.Writes.Count);
    }

    [Fact]
    public void Each_frame_is_one_write()
    {
        var screen = new Screen(5, 2);
        var writes = screen.Backend.Writes.Count;
        screen.Draw(f =>
        {
            f.Buffer.SetString(0, 0, "abc", Style.Default);
            f.Buffer.SetString(1, 1, "xy", new Style(Color.Red));
        });
        Assert.Equal(writes + 1, screen.Backend.Writes.Count);
    }

    [Fact]
    public void Replacing_a_wide_glyph_by_two_narrow_ones_writes_both()
    {
        var screen = new Screen(4, 1);
        screen.Draw(f => f.Buffer.SetString(0, 0, "你x", Style.Default));
        var written = screen.Draw(f => f.Buffer.SetString(0, 0, "abx", Style.Default));
        Assert.Equal("\e[1;1Hab", written);
        Assert.Equal(["abx "], screen.Lines);
    }

    [Fact]
    public void Replacing_two_narrow_glyphs_by_a_wide_one_writes_only_the_wide_glyph()
    {
        var screen = new Screen(4, 1);
        screen.Draw(f => f.Buffer.SetString(0, 0, "abx", Style.Default));
        var written = screen.Draw(f => f.Buffer.SetString(0, 0, "你x", Style.Default));
        Assert.Equal("\e[1;1H你", written);
        Assert.Equal(["你x "], screen.Lines);
    }

    [Fact]
    public void Shifting_a_wide_glyph_by_one_column_repairs_the_old_half()
    {
        var screen = new Screen(5, 1);
        screen.Draw(f => f.Buffer.SetString(0, 0, "你", Style.Default));
        screen.Draw(f => f.Buffer.SetString(1, 0, "你", Style.Default));
        Assert.Equal([" 你  "], screen.Lines);
    }

    [Fact]
    public void Styles_are_emitted_as_sgr()
    {
        var screen = new Screen(3, 1);
        var written = screen.Draw(f => f.Buffer.SetString(0, 0, "a", new Style(Color.Red, Color.Rgb(1, 2, 3), Modifiers.Bold)));
        Assert.Contains("\e[0;1;31;48;2;1;2;3ma\e[0m", written, StringComparison.Ordinal);
        Assert.Equal(new Style(Color.Red, Color.Rgb(1, 2, 3), Modifiers.Bold), screen.Backend.StyleAt(0, 0));
    }

    [Fact]
    public void No_color_drops_colours_but_keeps_attributes()
    {
        var screen = new Screen(3, 1, noColor: true);
        var written = screen.Draw(f => f.Buffer.SetString(0, 0, "a", new Style(Color.Red, Color.Indexed(200), Modifiers.Bold | Modifiers.Reverse)));
        Assert.Contains("\e[0;1;7ma", written, StringComparison.Ordinal);
        Assert.Equal(new Style(Modifiers: Modifiers.Bold | Modifiers.Reverse), screen.Backend.StyleAt(0, 0));
    }

    [Fact]
    public void Resize_causes_a_full_redraw()
    {
        var screen = new Screen(4, 1);
        screen.Draw(f => f.Buffer.SetString(0, 0, "ab", Style.Default));
        screen.Backend.Resize(6, 2);
        var written = screen.Draw(f => f.Buffer.SetString(0, 0, "ab", Style.Default));
        Assert.StartsWith("\e[0m\e[2J", written, StringComparison.Ordinal);
        Assert.Equal(["ab    ", "      "], screen.Lines);
    }

    [Fact]
    public void Invalidate_redraws_everything()
    {
        var screen = new Screen(4, 1);
        screen.Draw(f => f.Buffer.SetString(0, 0, "ab", Style.Default));
        screen.Renderer.Invalidate();
        Assert.Contains("ab", screen.Draw(f => f.Buffer.SetString(0, 0, "ab", Style.Default)), StringComparison.Ordinal);
    }

    [Fact]
    public void Cursor_is_placed_and_shown_after_the_frame()
    {
        var screen = new Screen(5, 2);
        screen.Draw(f =>
        {
            f.Buffer.SetString(0, 0, "abc", Style.Default);
            f.Cursor = new Position(3, 1);
        });
        Assert.True(screen.Backend.CursorVisible);
        Assert.Equal(new Position(3, 1), screen.Backend.CursorPosition);
        screen.Draw(f => f.Buffer.SetString(0, 0, "abc", Style.Default));
        Assert.False(screen.Backend.CursorVisible);
    }

    [Fact]
    public void Enter_and_leave_switch_screens_and_modes()
    {
        var screen = new Screen(3, 1);
        Assert.True(screen.Backend.IsAlternateScreen);
        Assert.True(screen.Backend.BracketedPasteEnabled);
        Assert.False(screen.Backend.CursorVisible);
        screen.Renderer.Leave();
        screen.Renderer.Leave();
        Assert.False(screen.Backend.IsAlternateScreen);
        Assert.False(screen.Backend.BracketedPasteEnabled);
        Assert.True(screen.Backend.CursorVisible);
    }

    [Fact]
    public void Leaving_blanks_the_alternate_screen_before_switching_back()
    {
        var screen = new Screen(3, 1);
        screen.Draw(f => f.Buffer.SetString(0, 0, "abc", Style.Default));
        screen.Renderer.Leave();
        Assert.Equal("\e[?2004l\e[0m\e[H\e[2J\e[?25h\e[?1049l", screen.Backend.Writes[^1]);
    }
}
