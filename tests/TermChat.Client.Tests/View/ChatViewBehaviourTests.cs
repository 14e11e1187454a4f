using NSubstitute;
using TermChat.Client.Session;
using TermChat.Client.Transports;
using TermChat.Client.LegacyView;
using TermChat.Protocol;
using TermChat.Protocol.Messages;
using TermChat.Tui.Input;
using TermChat.Tui.Styling;

namespace TermChat.Client.Tests.View;

/// <summary>Keys, paste, completion, bell, sanitizing, status bar, colours and sizes.</summary>
public sealed class ChatViewBehaviourTests
{
    private static ViewHarness Lobby(int width = 80, int height = 24, bool noColor = false)
    {
        var h = new ViewHarness(width, height, noColor);
        h.Join("#lobby", "", "alice", "bob", "carol");
        h.Draw();
        return h;
    }

    [Fact]
    public async Task A_multi_line_paste_is_sent_intact_as_one_message()
    {
        var h = Lobby();
        h.Input("\e[200~first line\r\nsecond line\nthird\e[201~");
        Assert.Equal("[#lobby] first line↵second line↵third", h.Draw()[^1].TrimEnd());

        h.Input("\r");

        await h.Session.Received(1).SendAsync(new SendMessage("#lobby", MessageKind.Say, "first line\nsecond line\nthird"), Arg.Any<CancellationToken>());
        await h.Session.ReceivedWithAnyArgs(1).SendAsync(default!, default);
        Assert.Equal("", h.View.Editor.Text);
    }

    [Fact]
    public void A_multi_line_message_shows_each_line_under_the_nick()
    {
        var h = Lobby(40, 10);
        h.Say("#lobby", "bob", "first line\nsecond line", 5);
        var screen = h.Draw();
        Assert.Equal("             │12:05 <bob> first line    ", screen[^4]);
        Assert.Equal("             │            second line   ", screen[^3]);
    }

    [Fact]
    public void Tab_completes_nicks_of_the_room_and_commands()
    {
        var h = Lobby();
        h.Input("bo\t");
        Assert.Equal("bob: ", h.View.Editor.Text);
        h.Input("\x15/na\t");
        Assert.Equal("/names ", h.View.Editor.Text);
    }

    [Fact]
    public async Task Up_recalls_the_previous_line_and_readline_keys_edit()
    {
        var h = Lobby();
        h.Input("hello world\r");
        await h.Session.Received(1).SendAsync(new SendMessage("#lobby", MessageKind.Say, "hello world"), Arg.Any<CancellationToken>());
        h.Input("\e[A");
        Assert.Equal("hello world", h.View.Editor.Text);
        h.Input("\x17");
        Assert.Equal("hello ", h.View.Editor.Text);
        h.Input("\x01X\x05Y");
        Assert.Equal("Xhello Y", h.View.Editor.Text);
        h.Input("\x01\x0b");
        Assert.Equal("", h.View.Editor.Text);
    }

    [Fact]
    public void Backspace_removes_a_whole_grapheme()
    {
        var h = Lobby();
        h.Input("你好👍🏽");
        h.Input("\x7f");
        Assert.Equal("你好", h.View.Editor.Text);
        Assert.Equal("[#lobby] 你好", h.Draw()[^1].TrimEnd());
        Assert.Equal(new Tui.Geometry.Position(13, 23), h.Backend.CursorPosition);
    }

    [Fact]
    public void Room_keys_switch_rooms()
    {
        var h = Lobby();
        h.Join("#dev", "", "alice");
        h.Join("#ops", "", "alice");
        Assert.Equal("#lobby", h.App.CurrentRoom!.Name);
        h.Input("\e3");
        Assert.Equal("#ops", h.App.CurrentRoom!.Name);
        h.Key(KeyEvent.Ctrl('n'));
        Assert.Equal("#lobby", h.App.CurrentRoom!.Name);
        h.Key(KeyEvent.Ctrl('p'));
        Assert.Equal("#ops", h.App.CurrentRoom!.Name);
        h.Input("\e[1;3D");
        Assert.Equal("#dev", h.App.CurrentRoom!.Name);
        h.Input("\e[1;3C");
        Assert.Equal("#ops", h.App.CurrentRoom!.Name);
        Assert.Equal(" #ops", h.Draw()[0].TrimEnd());
    }

    [Fact]
    public void The_room_list_scrolls_to_keep_the_current_room_in_view()
    {
        var h = Lobby(60, 10);
        for (int i = 1; i <= 12; i++)
        {
            h.Join($"#r{i:00}", "", "alice");
        }
        h.Input("\e[1;3D");
        var screen = h.Draw();
        Assert.Equal(["7 #r06", "8 #r07", "9 #r08", "  #r09", "  #r10", "  #r11", "  #r12"], screen[1..8].Select(l => l[..13].TrimEnd()).ToArray());
        Assert.Equal(Modifiers.Reverse, h.Backend.StyleAt(0, 7).Modifiers);
    }

    [Fact]
    public void F2_and_alt_m_toggle_the_member_list_and_names_shows_it()
    {
        var h = Lobby();
        Assert.Contains("│3 members", h.Draw()[1]);
        h.Input("\eOQ");
        Assert.DoesNotContain("│3 members", h.Draw()[1]);
        h.Input("\em");
        Assert.Contains("│3 members", h.Draw()[1]);
        h.Input("\em");
        h.Input("/names\r");
        Assert.True(h.View.MembersVisible);
        Assert.Contains("│3 members", h.Draw()[1]);
    }

    [Fact]
    public void Ctrl_l_redraws_the_whole_screen()
    {
        var h = Lobby();
        int writes = h.Backend.Writes.Count;
        h.Key(KeyEvent.Ctrl('l'));
        h.Draw();
        Assert.StartsWith("\e[0m\e[2J", h.Backend.Writes[writes]);
    }

    [Fact]
    public async Task Ctrl_c_asks_to_quit_and_slash_quit_says_goodbye()
    {
        var h = Lobby();
        h.Key(KeyEvent.Ctrl('c'));
        Assert.True(h.View.QuitRequested);

        var other = Lobby();
        other.Input("/quit see you\r");
        Assert.True(other.View.QuitRequested);
        await other.Session.Received(1).QuitAsync("see you", Arg.Any<CancellationToken>());
    }

    [Fact]
    public void A_mention_rings_the_bell_once_but_replays_and_own_lines_do_not()
    {
        var h = Lobby();
        h.Say("#lobby", "bob", "alice: lunch?", 5);
        h.Draw();
        Assert.Equal(1, h.Backend.BellCount);
        h.Server(new RoomMessage("#lobby", 90, ViewHarness.Noon, "bob", MessageKind.Say, "alice: old news", true));
        h.Say("#lobby", "alice", "note to self, alice", 6);
        h.Say("#lobby", "bob", "no mention here", 6);
        h.Draw();
        Assert.Equal(1, h.Backend.BellCount);
        h.Server(new PrivateMessage("carol", "alice", ViewHarness.Noon, "psst"));
        h.Draw();
        Assert.Equal(2, h.Backend.BellCount);
    }

    [Fact]
    public void Actions_notices_and_events_have_their_own_look()
    {
        var h = Lobby(60, 12);
        h.Server(new RoomMessage("#lobby", 70, ViewHarness.Noon, "bob", MessageKind.Action, "waves", false));
        h.Server(new Notice("#lobby", "server restarts at 18:00"));
        h.Server(new RoomEvent("#lobby", 71, ViewHarness.Noon, RoomEventKind.Part, "carol", "bye", false));
        h.Say("#lobby", "alice", "me again", 1);
        var screen = h.Draw();
        ScreenAssert.Equal(
        [
            " #lobby                                                     ",
            "1 #lobby     │          Alt+1..9 switch rooms │2 members    ",
            "             │          · F2 members · /help ·│ alice       ",
            "             │          Ctrl+C quits          │ bob         ",
            "             │12:00 * bob waves               │             ",
            "             │12:00 -!- server restarts at    │             ",
            "             │          18:00                 │             ",
            "             │12:00 <-- carol left #lobby     │             ",
            "             │          (bye)                 │             ",
            "             │12:01 <alice> me again          │             ",
            " alice │ TCP 127.0.0.1:7777 │ #lobby │ connected            ",
            "[#lobby]                                                    ",
        ], screen);
        Assert.Equal(Modifiers.Dim, h.Backend.StyleAt(24, 5).Modifiers);
        Assert.Equal(Modifiers.Dim, h.Backend.StyleAt(24, 7).Modifiers);
        Assert.Equal(new Style(NickColors.For("bob")), h.Backend.StyleAt(22, 4));
        Assert.Equal(new Style(NickColors.For("alice"), Modifiers: Modifiers.Bold), h.Backend.StyleAt(21, 9));
    }

    [Fact]
    public void A_mention_is_highlighted()
    {
        var h = Lobby();
        h.Say("#lobby", "bob", "alice: lunch?", 5);
        var screen = h.Draw();
        int row = Array.FindIndex(screen, l => l.Contains("lunch?", StringComparison.Ordinal));
        int column = screen[row].IndexOf("lunch?", StringComparison.Ordinal);
        Assert.Equal(new Style(Color.BrightYellow, Modifiers: Modifiers.Bold), h.Backend.StyleAt(column, row));
    }

    [Fact]
    public void Escape_sequences_in_peer_text_never_reach_the_terminal()
    {
        var h = Lobby();
        // The Tui test terminal throws on any control character or unknown sequence, so drawing at all proves
        // nothing got through; the screen shows what is left of the text.
        h.Say("#lobby", "bob", "\e[2J\e]0;owned\a evil\u009b31m red\u202e rtl\b\x7f\x00 end", 5);
        h.Server(new RoomEvent("#lobby", 91, ViewHarness.Noon, RoomEventKind.Topic, "bob", "\e[5mblink\e[0m", false));
        var screen = h.Draw();
        Assert.Equal(" #lobby: blink", screen[0].TrimEnd());
        Assert.Equal("             │12:05 <bob>  evil red rtl end                       │             ", screen[8]);
        Assert.Equal("             │12:00 -- bob set the topic: blink                   │             ", screen[9]);
        Assert.DoesNotContain(h.Backend.Writes, w => w.Contains("\e]", StringComparison.Ordinal) || w.Contains("owned", StringComparison.Ordinal) || w.Contains("\e[5m", StringComparison.Ordinal));
    }

    [Fact]
    public void The_status_bar_shows_the_reconnect_countdown()
    {
        var h = Lobby();
        h.Event(new ConnectionStateEvent(new Reconnecting(3, TimeSpan.FromSeconds(8), "connection reset")));
        Assert.Equal(" alice │ TCP 127.0.0.1:7777 │ #lobby │ reconnecting in 8s (attempt 3)", h.Draw()[^2].TrimEnd());
        h.Time.Advance(TimeSpan.FromSeconds(3));
        Assert.Equal(" alice │ TCP 127.0.0.1:7777 │ #lobby │ reconnecting in 5s (attempt 3)", h.Draw()[^2].TrimEnd());
        h.Event(new ConnectionStateEvent(new Connected("TCP", "127.0.0.1:7777", true)));
        Assert.Equal(" alice │ TCP 127.0.0.1:7777 │ #lobby │ connected", h.Draw()[^2].TrimEnd());
    }

    [Fact]
    public void The_status_bar_shows_rtt_and_over_udp_loss()
    {
        var h = Lobby();
        h.Event(new ConnectionStateEvent(new Connected("UDP", "127.0.0.1:7777", true)));
        Assert.Equal(" alice │ UDP 127.0.0.1:7777 │ #lobby │ connected │ loss –", h.Draw()[^2].TrimEnd());
        h.Event(new LinkStatsEvent(new LinkStats(0.42, 1.25)));
        Assert.Equal(" alice │ UDP 127.0.0.1:7777 │ #lobby │ connected │ rtt 0.4 ms │ loss 1.3%", h.Draw()[^2].TrimEnd());
        h.Event(new LinkStatsEvent(new LinkStats(120.4, 0)));
        Assert.Equal(" alice │ UDP 127.0.0.1:7777 │ #lobby │ connected │ rtt 120 ms │ loss 0%", h.Draw()[^2].TrimEnd());
    }

    [Theory]
    [InlineData(64, " UDP 127.0.0.1:7777 │ #lobby │ connected │ rtt 12 ms │ loss 2%")]
    [InlineData(48, " UDP │ #lobby │ connected │ rtt 12 ms │ loss 2%")]
    [InlineData(30, "UDP #lobby up 12 ms 2%")]
    [InlineData(16, "UDP #lobby up")]
    public void The_status_bar_gets_shorter_on_narrow_terminals(int width, string expected)
    {
        var h = Lobby(width, 10);
        h.Event(new ConnectionStateEvent(new Connected("UDP", "127.0.0.1:7777", true)));
        h.Event(new LinkStatsEvent(new LinkStats(12, 2)));
        Assert.Equal(expected, h.Draw()[^2].TrimEnd());
    }

    [Fact]
    public void A_resize_redraws_the_layout_at_the_new_size()
    {
        var h = Lobby();
        h.Backend.Resize(100, 30);
        var screen = h.Draw();
        Assert.Equal(30, screen.Length);
        Assert.Equal(" alice │ TCP 127.0.0.1:7777 │ #lobby │ connected", screen[28].TrimEnd());
        Assert.Equal("[#lobby]", screen[29].TrimEnd());
        Assert.Equal("1 #lobby          │", screen[1][..19]);
        Assert.EndsWith("│3 members         ", screen[1], StringComparison.Ordinal);
        h.Backend.Resize(80, 24);
        Assert.Equal(" alice │ TCP 127.0.0.1:7777 │ #lobby │ connected", h.Draw()[22].TrimEnd());
    }

    [Fact]
    public void Every_size_down_to_one_cell_draws_without_crashing()
    {
        var h = Lobby();
        h.Say("#lobby", "bob", "你好 😀 a fairly long line that has to wrap somewhere around here", 5);
        h.Input("\e[5~");
        h.Input("typing 你好");
        for (int width = 1; width <= 50; width += 1)
        {
            foreach (int height in new[] { 1, 2, 3, 5, 8, 12 })
            {
                h.Backend.Resize(width, height);
                var screen = h.Draw();
                Assert.Equal(height, screen.Length);
                Assert.StartsWith(width >= 40 ? "[#lobby] typing" : ">", screen[^1], StringComparison.Ordinal);
            }
        }
    }

    [Fact]
    public void No_color_keeps_bold_and_dim_but_drops_colours()
    {
        var h = Lobby(noColor: true);
        h.Say("#lobby", "bob", "alice: lunch?", 5);
        var screen = h.Draw();
        int row = Array.FindIndex(screen, l => l.Contains("lunch?", StringComparison.Ordinal));
        int nick = screen[row].IndexOf("bob", StringComparison.Ordinal);
        int text = screen[row].IndexOf("lunch?", StringComparison.Ordinal);
        Assert.Equal(Style.Default, h.Backend.StyleAt(nick, row));
        Assert.Equal(new Style(Modifiers: Modifiers.Bold), h.Backend.StyleAt(text, row));
        Assert.DoesNotContain(h.Backend.Writes, w => w.Contains("38;5;", StringComparison.Ordinal));
    }

    [Fact]
    public void Nicks_are_drawn_in_their_stable_colour()
    {
        var one = Lobby();
        var two = Lobby();
        one.Say("#lobby", "Bob", "hi", 5);
        two.Say("#lobby", "bob", "hi", 5);
        var screen = one.Draw();
        two.Draw();
        int row = Array.FindIndex(screen, l => l.Contains("<Bob>", StringComparison.Ordinal));
        int column = screen[row].IndexOf("Bob", StringComparison.Ordinal);
        Assert.Equal(NickColors.For("bob"), one.Backend.StyleAt(column, row).Foreground);
        Assert.Equal(one.Backend.StyleAt(column, row), two.Backend.StyleAt(column, row));
    }
}
