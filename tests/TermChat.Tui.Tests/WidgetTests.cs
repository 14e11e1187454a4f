using FsCheck;
using FsCheck.Fluent;
using TermChat.Tui.Buffer;
using TermChat.Tui.Editing;
using TermChat.Tui.Geometry;
using TermChat.Tui.Text;
using TermChat.Tui.Widgets;

namespace TermChat.Tui.Tests;

public class WidgetTests
{
    [Fact]
    public void Block_with_title_and_wrapped_paragraph_renders_the_whole_screen()
    {
        var screen = new Screen(12, 5);
        screen.Draw(f => f.Render(
            new Paragraph([Line.From("hello world 你好"), "😀!"]) { Block = new Block { Title = "Chat" } },
            f.Area));
        Assert.Equal(
        [
            "┌Chat──────┐",
            "│hello     │",
            "│world 你好│",
            "│😀!       │",
            "└──────────┘",
        ], screen.Lines);
    }

    [Fact]
    public void Layout_places_widgets_in_their_areas()
    {
        var screen = new Screen(10, 3);
        screen.Draw(f =>
        {
            var rows = Layout.Vertical(Constraint.Fill(), Constraint.Length(1)).Split(f.Area);
            f.Render(new Paragraph(["a b c d e f g"]), rows[0]);
            f.Render(new StatusBar("left", "right"), rows[1]);
        });
        Assert.Equal(["a b c d e ", "f g       ", "left right"], screen.Lines);
    }

    [Fact]
    public void Status_bar_drops_the_right_part_when_space_is_short()
    {
        var screen = new Screen(6, 1);
        screen.Draw(f => f.Render(new StatusBar("connected", "#room"), f.Area));
        Assert.Equal(["connec"], screen.Lines);
    }

    [Fact]
    public void List_keeps_the_selection_visible()
    {
        var state = new ListState { Selected = 3 };
        var screen = new Screen(6, 2);
        screen.Draw(f => f.Render(new ListView(["one", "two", "three", "four"], state), f.Area));
        Assert.Equal(["  thre", "> four"], screen.Lines);
        Assert.Equal(2, state.Offset);
    }

    [Fact]
    public void Text_input_scrolls_horizontally_to_keep_the_cursor_visible()
    {
        var editor = new LineEditor();
        editor.Insert("你好世界abc");
        var state = new TextInputState();
        var screen = new Screen(8, 1);
        screen.Draw(f =>
        {
            f.Render(new TextInput(editor, state) { Prompt = "> " }, f.Area);
            f.Cursor = state.Cursor;
        });
        Assert.Equal(["> 界abc "], screen.Lines);
        Assert.Equal(new Position(7, 0), screen.Backend.CursorPosition);

        editor.MoveHome();
        screen.Draw(f =>
        {
            f.Render(new TextInput(editor, state) { Prompt = "> " }, f.Area);
            f.Cursor = state.Cursor;
        });
        Assert.Equal(["> 你好世"], screen.Lines);
        Assert.Equal(new Position(2, 0), screen.Backend.CursorPosition);
    }

    [Fact]
    public void Text_input_shows_newlines_as_a_symbol()
    {
        var editor = new LineEditor();
        editor.Insert("a\nb");
        var screen = new Screen(5, 1);
        screen.Draw(f => f.Render(new TextInput(editor, new TextInputState()), f.Area));
        Assert.Equal(["a↵b  "], screen.Lines);
    }

    [Fact]
    public void Widgets_never_throw_at_tiny_sizes()
    {
        Prop.ForAll<int, int, string>((w, h, text) =>
        {
            var buffer = new ScreenBuffer(Math.Abs(w % 45), Math.Abs(h % 6));
            var editor = new LineEditor();
            editor.Insert(text ?? string.Empty);
            var area = buffer.Area;
            IWidget[] widgets =
            [
                new Block { Title = text ?? string.Empty },
                new Paragraph([text ?? string.Empty, "你好 😀 👨‍👩‍👧"]) { Block = new Block(), ScrollY = 1 },
                new ListView([text ?? string.Empty, "x"], new ListState { Selected = 1 }) { Block = new Block() },
                new StatusBar(text ?? string.Empty, "你好"),
                new TextInput(editor, new TextInputState()) { Prompt = "you> " },
            ];
            foreach (var widget in widgets)
            {
                widget.Render(area, buffer);
                widget.Render(new Rect(area.Width - 1, area.Height - 1, 5, 5), buffer);
            }

            return true;
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void Zero_by_zero_terminal_renders_without_error()
    {
        var screen = new Screen(0, 0);
        screen.Draw(f => f.Render(new Paragraph(["hi"]) { Block = new Block { Title = "x" } }, f.Area));
        Assert.Empty(screen.Lines);
    }
}
