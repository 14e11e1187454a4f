using NSubstitute;
using TermChat.Client.Session;
using TermChat.Client.Transports;
using TermChat.Client.Views;
using TermChat.Protocol;
using TermChat.Protocol.Messages;
using Terminal.Gui.Drawing;
using Terminal.Gui.Input;
using Terminal.Gui.Testing;

namespace TermChat.Client.Tests.Views;

/// <summary>Keys, paste, completion, mouse, bell, sanitizing, status line, colours and sizes.</summary>
public sealed class ChatWindowBehaviourTests
{
    private static GuiHarness Lobby(int width = 80, int height = 24, bool noColor = false, bool highContrast = false)
    {
        var h = new GuiHarness(width, height, noColor, highContrast: highContrast);
        h.Join("#lobby", "", "alice", "bob", "carol");
        h.Draw();
        return h;
    }

    [Fact]
    public async Task A_multi_line_paste_is_sent_intact_as_one_message()
    {
        using var h = Lobby();
        h.Paste("first line\r\nsecond line\nthird");
        Assert.Equal("[#lobby] first line⏎second line⏎third", h.Draw()[^1].TrimEnd());

        h.Key(Key.Enter);

        await h.Session.Received(1).SendAsync(new SendMessage("#lobby", MessageKind.Say, "first line\nsecond line\nthird"), Arg.Any<CancellationToken>());
        await h.Session.ReceivedWithAnyArgs(1).SendAsync(default!, default);
        Assert.Equal("", h.Window.Editor.Text);
    }

    [Fact]
    public void A_multi_line_message_shows_each_line_under_the_nick()
    {
        using var h = new GuiHarness(40, 10);
        h.Join("#lobby", "", "alice", "bob", "carol");
        h.Say("#lobby", "bob", "first line\nsecond line", 5);
        var screen = h.Draw();
        Assert.Equal("             │12:05 <bob> first line    ", screen[^4]);
        Assert.Equal("             │            second line   ", screen[^3]);
    }

    [Fact]
    public void Tab_completes_nicks_of_the_room_and_commands()
    {
        using var h = Lobby();
        h.Type("bo");
        h.Key(Key.Tab);
        Assert.Equal("bob: ", h.Window.Editor.Text);
        h.Key(Key.U.WithCtrl);
        h.Type("/na");
        h.Key(Key.Tab);
        Assert.Equal("/names ", h.Window.Editor.Text);
    }

    [Fact]
    public async Task Up_recalls_the_previous_line_and_readline_keys_edit()
    {
        using var h = Lobby();
        h.Type("hello world");
        h.Key(Key.Enter);
        await h.Session.Received(1).SendAsync(new SendMessage("#lobby", MessageKind.Say, "hello world"), Arg.Any<CancellationToken>());
        h.Key(Key.CursorUp);
        Assert.Equal("hello world", h.Window.Editor.Text);
        h.Key(Key.W.WithCtrl);
        Assert.Equal("hello ", h.Window.Editor.Text);
        h.Key(Key.A.WithCtrl);
        h.Type("X");
        h.Key(Key.E.WithCtrl);
        h.Type("Y");
        Assert.Equal("Xhello Y", h.Window.Editor.Text);
        h.Key(Key.CursorLeft.WithCtrl);
        Assert.Equal(7, h.Window.Editor.Cursor);
        h.Key(Key.CursorLeft.WithCtrl);
        Assert.Equal(0, h.Window.Editor.Cursor);
        h.Key(Key.CursorRight.WithCtrl);
        Assert.Equal(6, h.Window.Editor.Cursor);
        h.Key(Key.K.WithCtrl);
        Assert.Equal("Xhello", h.Window.Editor.Text);
        h.Key(Key.U.WithCtrl);
        Assert.Equal("", h.Window.Editor.Text);
        h.Key(Key.CursorDown);
        Assert.Equal("", h.Window.Editor.Text);
    }

    [Fact]
    public void Backspace_removes_a_whole_grapheme_and_the_cursor_follows_wide_glyphs()
    {
        using var h = Lobby();
        h.Type("你好👍🏽");
        h.Key(Key.Backspace);
        Assert.Equal("你好", h.Window.Editor.Text);
        Assert.Equal("[#lobby] 你好", h.Draw()[^1].TrimEnd());
        Assert.Equal(new System.Drawing.Point(13, 23), h.CursorPosition);
    }

    [Fact]
    public void Room_keys_switch_rooms()
    {
        using var h = Lobby();
        h.Join("#dev", "", "alice");
        h.Join("#ops", "", "alice");
        Assert.Equal("#lobby", h.App.CurrentRoom!.Name);
        h.Key(Key.D3.WithAlt);
        Assert.Equal("#ops", h.App.CurrentRoom!.Name);
        h.Key(Key.N.WithCtrl);
        Assert.Equal("#lobby", h.App.CurrentRoom!.Name);
        h.Key(Key.P.WithCtrl);
        Assert.Equal("#ops", h.App.CurrentRoom!.Name);
        h.Key(Key.CursorLeft.WithAlt);
        Assert.Equal("#dev", h.App.CurrentRoom!.Name);
        h.Key(Key.CursorRight.WithAlt);
        Assert.Equal("#ops", h.App.CurrentRoom!.Name);
        Assert.Equal(" #ops", h.Draw()[0].TrimEnd());
    }

    [Fact]
    public void A_click_on_a_room_switches_to_it_and_a_click_on_a_nick_starts_a_private_message()
    {
        using var h = Lobby();
        h.Join("#dev", "", "alice", "dave");
        h.Say("#dev", "dave", "hello", 5);
        h.Draw();
        h.Gui.InjectSequence(InputInjectionExtensions.LeftButtonClick(new System.Drawing.Point(3, 2)));
        Assert.Equal("#dev", h.App.CurrentRoom!.Name);
        var screen = h.Draw();
        int row = Array.FindIndex(screen, l => l.Contains("<dave> hello", StringComparison.Ordinal));
        int column = screen[row].IndexOf("dave", StringComparison.Ordinal);
        h.Gui.InjectSequence(InputInjectionExtensions.LeftButtonClick(new System.Drawing.Point(column + 1, row)));
        Assert.Equal("/msg dave ", h.Window.Editor.Text);
    }

    [Fact]
    public void The_mouse_wheel_scrolls_the_messages()
    {
        using var h = new GuiHarness(40, 10);
        h.Join("#lobby", "", "alice", "bob");
        for (int i = 1; i <= 30; i++)
        {
            h.Say("#lobby", "bob", $"message {i}", i % 60);
        }
        h.Draw();
        h.Gui.InjectMouse(new Mouse { ScreenPosition = new System.Drawing.Point(20, 4), Flags = MouseFlags.WheeledUp });
        var screen = h.Draw();
        Assert.True(h.Window.IsScrolledUp);
        Assert.Contains("more below ↓", screen[^3]);
        Assert.Contains("message 27", screen[^4]);
    }

    [Fact]
    public void The_room_list_scrolls_to_keep_the_current_room_in_view()
    {
        using var h = Lobby(60, 10);
        for (int i = 1; i <= 12; i++)
        {
            h.Join($"#r{i:00}", "", "alice");
        }
        h.Key(Key.CursorLeft.WithAlt);
        var screen = h.Draw();
        Assert.Equal(["7 #r06", "8 #r07", "9 #r08", "  #r09", "  #r10", "  #r11", "  #r12"], screen[1..8].Select(l => l[..13].TrimEnd()).ToArray());
        Assert.True(h.AttributeAt(0, 7).Style.HasFlag(TextStyle.Reverse));
    }

    [Fact]
    public void F2_and_alt_m_toggle_the_member_list_and_names_shows_it()
    {
        using var h = Lobby();
        Assert.Contains("│3 members", h.Draw()[1]);
        h.Key(Key.F2);
        Assert.DoesNotContain("│3 members", h.Draw()[1]);
        h.Key(Key.M.WithAlt);
        Assert.Contains("│3 members", h.Draw()[1]);
        h.Key(Key.M.WithAlt);
        h.Type("/names");
        h.Key(Key.Enter);
        Assert.True(h.Window.MembersVisible);
        Assert.Contains("│3 members", h.Draw()[1]);
    }

    [Fact]
    public async Task Ctrl_c_and_ctrl_d_on_an_empty_line_ask_to_quit_and_slash_quit_says_goodbye()
    {
        using (var h = Lobby())
        {
            h.Key(Key.C.WithCtrl);
            Assert.True(h.Window.QuitRequested);
        }
        using (var h = Lobby())
        {
            h.Type("x");
            h.Key(Key.D.WithCtrl, Key.CursorLeft, Key.D.WithCtrl);
            Assert.Equal("", h.Window.Editor.Text);
            Assert.False(h.Window.QuitRequested);
            h.Key(Key.D.WithCtrl);
            Assert.True(h.Window.QuitRequested);
        }
        using var other = Lobby();
        other.Type("/quit see you");
        other.Key(Key.Enter);
        Assert.True(other.Window.QuitRequested);
        await other.Session.Received(1).QuitAsync("see you", Arg.Any<CancellationToken>());
    }

    [Fact]
    public void A_mention_rings_the_bell_once_but_replays_and_own_lines_do_not()
    {
        using var h = Lobby();
        h.Say("#lobby", "bob", "alice: lunch?", 5);
        Assert.Equal(1, h.BellCount);
        h.Server(new RoomMessage("#lobby", 90, GuiHarness.Noon, "bob", MessageKind.Say, "alice: old news", true));
        h.Say("#lobby", "alice", "note to self, alice", 6);
        h.Say("#lobby", "bob", "no mention here", 6);
        Assert.Equal(1, h.BellCount);
        h.Server(new PrivateMessage("carol", "alice", GuiHarness.Noon, "psst"));
        Assert.Equal(2, h.BellCount);
    }

    [Fact]
    public void Actions_notices_and_events_have_their_own_look()
    {
        using var h = Lobby(60, 12);
        h.Server(new RoomMessage("#lobby", 70, GuiHarness.Noon, "bob", MessageKind.Action, "waves", false));
        h.Server(new Notice("#lobby", "server restarts at 18:00"));
        h.Server(new RoomEvent("#lobby", 71, GuiHarness.Noon, RoomEventKind.Part, "carol", "bye", false));
        h.Say("#lobby", "alice", "me again", 1);
        var screen = h.Draw();
        ScreenAssert.Equal(
        [
            " #lobby                                                     ",
            "1 #lobby     │          Alt+1..9 switch rooms │2 members    ",
            "             │          · F2 members · F1 help│ alice       ",
            "             │          · Ctrl+C quits        │ bob         ",
            "             │12:00 * bob waves               │             ",
            "             │12:00 -!- server restarts at    │             ",
            "             │          18:00                 │             ",
            "             │12:00 <-- carol left #lobby     │             ",
            "             │          (bye)                 │             ",
            "             │12:01 <alice> me again          │             ",
            " alice │ TCP 127.0.0.1:7777 │ #lobby │ connected            ",
            "[#lobby]                                                    ",
        ], screen);
        Assert.True(h.AttributeAt(24, 5).Style.HasFlag(TextStyle.Faint));
        Assert.True(h.AttributeAt(24, 7).Style.HasFlag(TextStyle.Faint));
        Assert.Equal(NickColor("bob"), h.AttributeAt(22, 4).Foreground);
        Assert.Equal(NickColor("alice"), h.AttributeAt(21, 9).Foreground);
        Assert.True(h.AttributeAt(21, 9).Style.HasFlag(TextStyle.Bold));
        Assert.False(h.AttributeAt(22, 4).Style.HasFlag(TextStyle.Bold));
    }

    [Fact]
    public void A_mention_is_highlighted()
    {
        using var h = Lobby();
        h.Say("#lobby", "bob", "alice: lunch?", 5);
        var screen = h.Draw();
        int row = Array.FindIndex(screen, l => l.Contains("lunch?", StringComparison.Ordinal));
        int column = screen[row].IndexOf("lunch?", StringComparison.Ordinal);
        Assert.Equal(new Color(ColorName16.BrightYellow), h.AttributeAt(column, row).Foreground);
        Assert.True(h.AttributeAt(column, row).Style.HasFlag(TextStyle.Bold));
    }

    [Fact]
    public void Escape_sequences_in_peer_text_never_reach_the_terminal()
    {
        using var h = Lobby();
        h.Say("#lobby", "bob", "\e[2J\e]0;owned\a evil\u009b31m red\u202e rtl\b\x7f\x00 end", 5);
        h.Server(new RoomEvent("#lobby", 91, GuiHarness.Noon, RoomEventKind.Topic, "bob", "\e[5mblink\e[0m", false));
        var screen = h.Draw();
        Assert.Equal(" #lobby: blink", screen[0].TrimEnd());
        Assert.Equal("             │12:05 <bob>  evil red rtl end                       │             ", screen[8]);
        Assert.Equal("             │12:00 -- bob set the topic: blink                   │             ", screen[9]);
        // Every cell holds printable text: no control character and no escape sequence reached the driver.
        Assert.DoesNotContain(screen, l => l.Any(c => char.IsControl(c) || c is '\u202e'));
        Assert.DoesNotContain(screen, l => l.Contains("owned", StringComparison.Ordinal));
    }

    [Fact]
    public void The_status_line_shows_the_reconnect_countdown()
    {
        using var h = Lobby();
        h.Event(new ConnectionStateEvent(new Reconnecting(3, TimeSpan.FromSeconds(8), "connection reset")));
        Assert.Equal(" alice │ TCP 127.0.0.1:7777 │ #lobby │ reconnecting in 8s (attempt 3)", h.Draw()[^2].TrimEnd());
        h.Time.Advance(TimeSpan.FromSeconds(3));
        h.Window.Refresh();
        Assert.Equal(" alice │ TCP 127.0.0.1:7777 │ #lobby │ reconnecting in 5s (attempt 3)", h.Draw()[^2].TrimEnd());
        h.Event(new ConnectionStateEvent(new Connected("TCP", "127.0.0.1:7777", true)));
        Assert.Equal(" alice │ TCP 127.0.0.1:7777 │ #lobby │ connected", h.Draw()[^2].TrimEnd());
    }

    [Fact]
    public void The_status_line_shows_rtt_and_over_udp_loss()
    {
        using var h = Lobby();
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
    public void The_status_line_gets_shorter_on_narrow_terminals(int width, string expected)
    {
        using var h = Lobby(width, 10);
        h.Event(new ConnectionStateEvent(new Connected("UDP", "127.0.0.1:7777", true)));
        h.Event(new LinkStatsEvent(new LinkStats(12, 2)));
        Assert.Equal(expected, h.Draw()[^2].TrimEnd());
    }

    [Fact]
    public void A_resize_reflows_the_layout_at_the_new_size()
    {
        using var h = Lobby();
        h.Resize(100, 30);
        var screen = h.Draw();
        Assert.Equal(30, screen.Length);
        Assert.Equal(" alice │ TCP 127.0.0.1:7777 │ #lobby │ connected", screen[28].TrimEnd());
        Assert.Equal("[#lobby]", screen[29].TrimEnd());
        Assert.Equal("1 #lobby          │", screen[1][..19]);
        Assert.EndsWith("│3 members         ", screen[1], StringComparison.Ordinal);
        h.Resize(80, 24);
        Assert.Equal(" alice │ TCP 127.0.0.1:7777 │ #lobby │ connected", h.Draw()[22].TrimEnd());
    }

    [Fact]
    public void Every_size_down_to_one_cell_draws_without_crashing()
    {
        using var h = Lobby();
        h.Say("#lobby", "bob", "你好 😀 a fairly long line that has to wrap somewhere around here", 5);
        h.Key(Key.PageUp);
        h.Type("typing 你好");
        for (int width = 1; width <= 50; width += 1)
        {
            foreach (int height in new[] { 1, 2, 3, 5, 8, 12 })
            {
                h.Resize(width, height);
                var screen = h.Draw();
                Assert.Equal(height, screen.Length);
                Assert.StartsWith(width >= 40 ? "[#lobby] typing" : ">", screen[^1], StringComparison.Ordinal);
            }
        }
    }

    [Fact]
    public void No_color_keeps_bold_and_faint_but_uses_no_colour_of_its_own()
    {
        using var h = Lobby(noColor: true);
        h.Say("#lobby", "bob", "alice: lunch?", 5);
        var screen = h.Draw();
        int row = Array.FindIndex(screen, l => l.Contains("lunch?", StringComparison.Ordinal));
        int nick = screen[row].IndexOf("bob", StringComparison.Ordinal);
        int text = screen[row].IndexOf("lunch?", StringComparison.Ordinal);
        var normal = h.AttributeAt(0, row);
        Assert.Equal(normal.Foreground, h.AttributeAt(nick, row).Foreground);
        Assert.Equal(normal.Foreground, h.AttributeAt(text, row).Foreground);
        Assert.True(h.AttributeAt(text, row).Style.HasFlag(TextStyle.Bold));
    }

    [Fact]
    public void Nicks_are_drawn_in_their_stable_colour()
    {
        using var one = Lobby();
        one.Say("#lobby", "Bob", "hi", 5);
        var screen = one.Draw();
        int row = Array.FindIndex(screen, l => l.Contains("<Bob>", StringComparison.Ordinal));
        int column = screen[row].IndexOf("Bob", StringComparison.Ordinal);
        Assert.Equal(NickColor("bob"), one.AttributeAt(column, row).Foreground);
        Assert.NotEqual(NickColor("carol"), NickColor("bob"));
    }

    [Fact]
    public void High_contrast_draws_nothing_faint_and_nicks_mentions_and_errors_in_bright_colours()
    {
        using var h = Lobby(60, 12, highContrast: true);
        h.Server(new RoomMessage("#lobby", 70, GuiHarness.Noon, "bob", MessageKind.Action, "waves", false));
        h.Server(new Notice("#lobby", "server restarts at 18:00"));
        h.Say("#lobby", "bob", "alice: lunch?", 1);
        h.Say("#lobby", "alice", "me again", 2);
        var screen = h.Draw();
        int notice = Array.FindIndex(screen, l => l.Contains("-!- server restarts", StringComparison.Ordinal));
        int mention = Array.FindIndex(screen, l => l.Contains("lunch?", StringComparison.Ordinal));
        int own = Array.FindIndex(screen, l => l.Contains("<alice> me again", StringComparison.Ordinal));
        Assert.True(notice > 0 && mention > notice && own > mention, string.Join("\n", screen));

        for (int row = 0; row < screen.Length; row++)
        {
            for (int column = 0; column < 60; column++)
            {
                Assert.False(h.AttributeAt(column, row).Style.HasFlag(TextStyle.Faint), $"nothing is faint in high contrast, but ({column}, {row}) is");
            }
        }
        Assert.Equal(Xterm(ChatPalette.HighContrastNick(NickColors.For("bob"))), h.AttributeAt(screen[mention].IndexOf("bob", StringComparison.Ordinal), mention).Foreground);
        Assert.Equal(Xterm(ChatPalette.HighContrastNick(NickColors.For("alice"))), h.AttributeAt(screen[own].IndexOf("alice", StringComparison.Ordinal), own).Foreground);
        Assert.Equal(Xterm(227), h.AttributeAt(screen[mention].IndexOf("lunch?", StringComparison.Ordinal), mention).Foreground);
        Assert.True(h.AttributeAt(screen[mention].IndexOf("lunch?", StringComparison.Ordinal), mention).Style.HasFlag(TextStyle.Bold));
    }

    [Fact]
    public void High_contrast_nick_colours_keep_one_colour_per_nick_and_use_only_bright_ones()
    {
        byte[] bright = [87, 119, 227, 219, 215, 147];
        Assert.All(NickColors.Palette, index => Assert.Contains(ChatPalette.HighContrastNick(index), bright));
        Assert.Equal(ChatPalette.HighContrastNick(NickColors.For("Bob")), ChatPalette.HighContrastNick(NickColors.For("bob")));
        Assert.Equal(bright.Length, NickColors.Palette.Select(ChatPalette.HighContrastNick).Distinct().Count());
    }

    // The xterm 256-colour index of the nick's palette entry, as RGB.
    private static Color NickColor(string nick) => Xterm(NickColors.For(nick));

    // An xterm 256-colour cube index (16..231) as RGB.
    private static Color Xterm(byte index)
    {
        int cube = index - 16;
        static int Level(int v) => v == 0 ? 0 : 55 + (v * 40);
        return new Color(Level(cube / 36), Level(cube / 6 % 6), Level(cube % 6));
    }
}
