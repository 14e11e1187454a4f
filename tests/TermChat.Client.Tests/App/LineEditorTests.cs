using FsCheck;
using FsCheck.Fluent;
using TermChat.Client.App;

namespace TermChat.Client.Tests.App;

public class LineEditorTests
{
    private static LineEditor Typed(string text)
    {
        var editor = new LineEditor();
        editor.Insert(text);
        return editor;
    }

    [Theory]
    [InlineData("ab你", "ab")]
    [InlineData("x👨‍👩‍👧", "x")]
    [InlineData("cafe\u0301", "caf")]
    [InlineData("🇫🇷🇩🇪", "🇫🇷")]
    public void Backspace_deletes_a_whole_grapheme(string text, string expected)
    {
        var editor = Typed(text);
        editor.Backspace();
        Assert.Equal(expected, editor.Text);
    }

    [Fact]
    public void Cursor_moves_by_grapheme_and_delete_removes_the_grapheme_at_the_cursor()
    {
        var editor = Typed("a👨‍👩‍👧b");
        editor.MoveLeft();
        editor.MoveLeft();
        Assert.Equal(1, editor.Cursor);
        editor.Delete();
        Assert.Equal("ab", editor.Text);
    }

    [Fact]
    public void Insert_happens_at_the_cursor()
    {
        var editor = Typed("held");
        editor.MoveLeft();
        editor.Insert("l");
        editor.MoveHome();
        editor.Insert(">");
        Assert.Equal(">helld", editor.Text);
        Assert.Equal(1, editor.Cursor);
    }

    [Fact]
    public void Ctrl_w_deletes_the_previous_word()
    {
        var editor = Typed("hello big  world  ");
        editor.DeleteWordBack();
        Assert.Equal("hello big  ", editor.Text);
        editor.DeleteWordBack();
        Assert.Equal("hello ", editor.Text);
    }

    [Fact]
    public void Ctrl_u_and_ctrl_k_delete_to_start_and_end()
    {
        var editor = Typed("hello world");
        for (var i = 0; i < 5; i++)
        {
            editor.MoveLeft();
        }

        editor.DeleteToEnd();
        Assert.Equal("hello ", editor.Text);
        editor.DeleteToStart();
        Assert.Equal(string.Empty, editor.Text);
    }

    [Fact]
    public void Ctrl_a_and_ctrl_e_jump_to_the_ends()
    {
        var editor = Typed("你好");
        editor.MoveHome();
        Assert.Equal(0, editor.Cursor);
        editor.MoveEnd();
        Assert.Equal(2, editor.Cursor);
    }

    [Fact]
    public void History_navigation_keeps_the_draft()
    {
        var editor = new LineEditor();
        editor.Insert("first");
        editor.Submit();
        editor.Insert("second");
        editor.Submit();
        editor.Insert("draft");
        editor.HistoryPrevious();
        Assert.Equal("second", editor.Text);
        editor.HistoryPrevious();
        editor.HistoryPrevious();
        Assert.Equal("first", editor.Text);
        editor.HistoryNext();
        editor.HistoryNext();
        Assert.Equal("draft", editor.Text);
        Assert.Equal(["first", "second"], editor.History);
    }

    [Fact]
    public void Repeated_tab_cycles_the_candidates()
    {
        var source = new FixedCompletions("alice", "albert");
        var editor = new LineEditor(source);
        editor.Insert("hi al");
        editor.Complete();
        Assert.Equal("hi alice", editor.Text);
        editor.Complete();
        Assert.Equal("hi albert", editor.Text);
        editor.Complete();
        Assert.Equal("hi alice", editor.Text);
        editor.Insert("!");
        Assert.Equal("hi alice!", editor.Text);
        Assert.Equal(("hi al", 5), source.Requests[0]);
    }

    [Fact]
    public void Tab_without_candidates_changes_nothing()
    {
        var editor = new LineEditor(new FixedCompletions());
        editor.Insert("zz");
        Assert.False(editor.Complete());
        Assert.Equal("zz", editor.Text);
    }

    [Fact]
    public void Pasted_multi_line_text_is_kept()
    {
        var editor = Typed("a");
        editor.Insert("x\ny");
        Assert.Equal("ax\ny", editor.Text);
        Assert.Equal(4, editor.Cursor);
    }

    [Fact]
    public void Random_edits_keep_the_cursor_in_range()
    {
        Prop.ForAll<string, byte[]>((text, ops) =>
        {
            var editor = new LineEditor();
            foreach (var op in ops ?? [])
            {
                switch (op % 8)
                {
                    case 0: editor.Insert(text ?? string.Empty); break;
                    case 1: editor.MoveLeft(); break;
                    case 2: editor.MoveRight(); break;
                    case 3: editor.Backspace(); break;
                    case 4: editor.Delete(); break;
                    case 5: editor.DeleteWordBack(); break;
                    case 6: editor.MoveWordLeft(); break;
                    default: editor.HistoryPrevious(); break;
                }
            }

            return editor.Cursor >= 0 && editor.Cursor <= editor.Text.Length;
        }).QuickCheckThrowOnFailure();
    }

    private sealed class FixedCompletions(params string[] names) : ICompletionSource
    {
        public List<(string, int)> Requests { get; } = [];

        public IReadOnlyList<string> GetCandidates(string text, int cursor)
        {
            Requests.Add((text, cursor));
            return names;
        }
    }
}
