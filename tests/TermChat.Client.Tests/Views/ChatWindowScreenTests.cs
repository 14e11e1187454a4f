using TermChat.Protocol;
using TermChat.Protocol.Messages;
using Terminal.Gui.Drawing;

namespace TermChat.Client.Tests.Views;

/// <summary>Whole screens of the chat window, line by line, in Terminal.Gui's in-memory driver.</summary>
public sealed class ChatWindowScreenTests
{
    private static GuiHarness Lobby(int width, int height)
    {
        var h = new GuiHarness(width, height);
        h.Join("#lobby", "Release on Friday", "alice", "bob", "carol");
        h.Server(new RoomEvent("#lobby", 50, GuiHarness.Noon, RoomEventKind.Away, "carol", "lunch", false));
        h.Say("#lobby", "bob", "hi alice, how are you?", 1);
        h.Say("#lobby", "carol", "the build is green again, shipping after lunch unless someone objects loudly in the next hour", 2);
        h.Say("#lobby", "alice", "你好 😀 great", 3);
        return h;
    }

    [Fact]
    public void The_80x24_layout_has_title_rooms_messages_members_status_and_input()
    {
        using var h = Lobby(80, 24);
        h.Join("#dev", "", "alice", "dave");
        h.Say("#dev", "dave", "alice: can you review?", 4);
        h.Say("#dev", "dave", "thanks", 4);

        ScreenAssert.Equal(
        [
            " #lobby: Release on Friday                                                      ",
            "1 #lobby     │12:00 --> you joined #lobby (3 members)             │3 members    ",
            "2 #dev     @2│12:00 -- Release on Friday                          │ alice       ",
            "             │12:00 -!- welcome to testnet (async mode), you are  │ bob         ",
            "             │          alice                                     │~carol       ",
            "             │12:00 -!- be nice                                   │             ",
            "             │12:00 -!- keys: Tab completes · PgUp/PgDn scroll ·  │             ",
            "             │          Ctrl+N/Ctrl+P or Alt+1..9 switch rooms ·  │             ",
            "             │          F2 members · F1 help · Ctrl+C quits       │             ",
            "             │12:00 -- carol is away: lunch                       │             ",
            "             │12:01 <bob> hi alice, how are you?                  │             ",
            "             │12:02 <carol> the build is green again, shipping    │             ",
            "             │              after lunch unless someone objects    │             ",
            "             │              loudly in the next hour               │             ",
            "             │12:03 <alice> 你好 😀 great                         │             ",
            "             │                                                    │             ",
            "             │                                                    │             ",
            "             │                                                    │             ",
            "             │                                                    │             ",
            "             │                                                    │             ",
            "             │                                                    │             ",
            "             │                                                    │             ",
            " alice │ TCP 127.0.0.1:7777 │ #lobby │ connected                                ",
            "[#lobby]                                                                        ",
        ], h.Draw());
        Assert.Equal(new System.Drawing.Point(9, 23), h.CursorPosition);
        // The room list marks a room with a mention, the member list an away member.
        Assert.True(h.AttributeAt(1, 2).Style.HasFlag(TextStyle.Bold));
        Assert.True(h.AttributeAt(67, 4).Style.HasFlag(TextStyle.Faint));
    }

    [Fact]
    public void The_30x10_layout_hides_the_side_panels_and_shortens_the_status_bar()
    {
        using var h = Lobby(30, 10);

        ScreenAssert.Equal(
        [
            " #lobby: Release on Friday    ",
            "              green again,    ",
            "              shipping after  ",
            "              lunch unless    ",
            "              someone objects ",
            "              loudly in the   ",
            "              next hour       ",
            "12:03 <alice> 你好 😀 great   ",
            " TCP │ #lobby │ connected     ",
            ">                             ",
        ], h.Draw());
    }
}
