using Terminal.Gui.Input;

namespace TermChat.Client.Tests.Views;

/// <summary>Scrollback, the "new messages" indicator and the unread marker.</summary>
public sealed class ChatWindowScrollTests
{
    private static GuiHarness Busy(int lines)
    {
        var h = new GuiHarness(40, 10);
        h.Join("#lobby", "", "alice", "bob");
        for (int i = 1; i <= lines; i++)
        {
            h.Say("#lobby", "bob", $"message {i}", i % 60);
        }
        // Scrolling works in rows of the last frame, as it does on a real terminal.
        h.Draw();
        return h;
    }

    [Fact]
    public void Page_up_shows_older_lines_and_new_ones_do_not_move_the_view()
    {
        using var h = Busy(30);
        ScreenAssert.Equal(
        [
            " #lobby                                 ",
            "1 #lobby     │12:24 <bob> message 24    ",
            "             │12:25 <bob> message 25    ",
            "             │12:26 <bob> message 26    ",
            "             │12:27 <bob> message 27    ",
            "             │12:28 <bob> message 28    ",
            "             │12:29 <bob> message 29    ",
            "             │12:30 <bob> message 30    ",
            " TCP 127.0.0.1:7777 │ #lobby │ connected",
            "[#lobby]                                ",
        ], h.Draw());

        h.Key(Key.PageUp);
        ScreenAssert.Equal(
        [
            " #lobby                                 ",
            "1 #lobby     │12:20 <bob> message 20    ",
            "             │12:21 <bob> message 21    ",
            "             │12:22 <bob> message 22    ",
            "             │12:23 <bob> message 23    ",
            "             │12:24 <bob> message 24    ",
            "             │12:25 <bob> message 25    ",
            "             │─── more below ↓ (End) ───",
            " TCP 127.0.0.1:7777 │ #lobby │ connected",
            "[#lobby]                                ",
        ], h.Draw());

        h.Say("#lobby", "bob", "fresh 1", 40);
        h.Say("#lobby", "bob", "fresh 2", 40);
        h.Say("#lobby", "alice", "mine does not count", 40);
        ScreenAssert.Equal(
        [
            " #lobby                                 ",
            "1 #lobby     │12:20 <bob> message 20    ",
            "             │12:21 <bob> message 21    ",
            "             │12:22 <bob> message 22    ",
            "             │12:23 <bob> message 23    ",
            "             │12:24 <bob> message 24    ",
            "             │12:25 <bob> message 25    ",
            "             │──── 2 new messages ↓ ────",
            " TCP 127.0.0.1:7777 │ #lobby │ connected",
            "[#lobby]                                ",
        ], h.Draw());
    }

    [Fact]
    public void A_resize_while_scrolled_up_keeps_the_same_line_at_the_bottom()
    {
        using var h = Busy(30);
        h.Key(Key.PageUp);
        Assert.Contains("message 25", h.Draw()[^4]);
        h.Resize(70, 14);
        var screen = h.Draw();
        Assert.Contains("message 25", screen[^4]);
        Assert.Contains("more below ↓", screen[^3]);
    }

    [Fact]
    public void End_returns_to_the_newest_line_and_follows_again()
    {
        using var h = Busy(30);
        h.Key(Key.PageUp, Key.PageUp);
        h.Draw();
        h.Say("#lobby", "bob", "fresh", 40);
        h.Key(Key.End);
        ScreenAssert.Equal(
        [
            " #lobby                                 ",
            "1 #lobby     │12:25 <bob> message 25    ",
            "             │12:26 <bob> message 26    ",
            "             │12:27 <bob> message 27    ",
            "             │12:28 <bob> message 28    ",
            "             │12:29 <bob> message 29    ",
            "             │12:30 <bob> message 30    ",
            "             │12:40 <bob> fresh         ",
            " TCP 127.0.0.1:7777 │ #lobby │ connected",
            "[#lobby]                                ",
        ], h.Draw());
        h.Say("#lobby", "bob", "followed", 41);
        Assert.Contains("followed", h.Draw()[^3]);
    }

    [Fact]
    public void Page_down_back_to_the_bottom_also_follows_again()
    {
        using var h = Busy(30);
        h.Key(Key.PageUp);
        h.Draw();
        h.Key(Key.PageDown);
        var bottom = h.Draw();
        Assert.DoesNotContain(bottom, l => l.Contains('↓'));
        Assert.Contains("message 30", bottom[^3]);
    }

    [Fact]
    public void Home_on_an_empty_input_line_goes_to_the_oldest_line()
    {
        using var h = Busy(30);
        h.Key(Key.Home);
        var top = h.Draw();
        Assert.Contains("you joined", top[1]);
        Assert.Contains("more below ↓", top[^3]);
    }

    [Fact]
    public void Home_and_end_move_in_the_input_line_first()
    {
        using var h = Busy(30);
        h.Type("hello");
        h.Key(Key.Home);
        Assert.Equal(0, h.Window.Editor.Cursor);
        Assert.DoesNotContain(h.Draw(), l => l.Contains('↓'));
        h.Key(Key.End);
        Assert.Equal(5, h.Window.Editor.Cursor);
    }

    [Fact]
    public void The_unread_marker_shows_where_you_left_a_room()
    {
        using var h = new GuiHarness(40, 10);
        h.Join("#lobby", "", "alice", "bob");
        h.Join("#dev", "", "alice", "dave");
        h.Say("#lobby", "bob", "seen", 1);
        h.Draw();
        h.Key(Key.N.WithCtrl);
        h.Draw();
        h.Say("#lobby", "bob", "unseen 1", 2);
        h.Say("#lobby", "bob", "unseen 2", 3);
        ScreenAssert.Equal(
        [
            " #dev                                   ",
            "1 #lobby    2│12:00 --> you joined #dev ",
            "2 #dev       │          (2 members)     ",
            "             │                          ",
            "             │                          ",
            "             │                          ",
            "             │                          ",
            "             │                          ",
            " TCP 127.0.0.1:7777 │ #dev │ connected  ",
            "[#dev]                                  ",
        ], h.Draw());
        h.Key(Key.D1.WithAlt);
        ScreenAssert.Equal(
        [
            " #lobby                                 ",
            "1 #lobby     │          F2 members · F1 ",
            "2 #dev       │          help · Ctrl+C   ",
            "             │          quits           ",
            "             │12:01 <bob> seen          ",
            "             │───────── unread ─────────",
            "             │12:02 <bob> unseen 1      ",
            "             │12:03 <bob> unseen 2      ",
            " TCP 127.0.0.1:7777 │ #lobby │ connected",
            "[#lobby]                                ",
        ], h.Draw());
    }

    [Fact]
    public void Entering_a_room_with_more_unread_lines_than_fit_starts_at_the_marker()
    {
        using var h = new GuiHarness(40, 10);
        h.Join("#lobby", "", "alice", "bob");
        h.Join("#dev", "", "alice", "dave");
        h.Say("#lobby", "bob", "seen", 1);
        h.Draw();
        h.Key(Key.N.WithCtrl);
        h.Draw();
        for (int i = 1; i <= 12; i++)
        {
            h.Say("#lobby", "bob", $"unseen {i}", 2);
        }
        h.Key(Key.P.WithCtrl);
        ScreenAssert.Equal(
        [
            " #lobby                                 ",
            "1 #lobby     │───────── unread ─────────",
            "2 #dev       │12:02 <bob> unseen 1      ",
            "             │12:02 <bob> unseen 2      ",
            "             │12:02 <bob> unseen 3      ",
            "             │12:02 <bob> unseen 4      ",
            "             │12:02 <bob> unseen 5      ",
            "             │──── 7 new messages ↓ ────",
            " TCP 127.0.0.1:7777 │ #lobby │ connected",
            "[#lobby]                                ",
        ], h.Draw());
    }
}
