using NSubstitute;
using TermChat.Client.App;
using TermChat.Client.Session;
using TermChat.TestKit.Server;
using TermChat.Client.LegacyView;
using TermChat.Protocol;
using TermChat.Protocol.Messages;
using TermChat.Tui.Backends;
using TermChat.Tui.Input;
using TermChat.Tui.Loop;
using TermChat.Tui.Rendering;

namespace TermChat.Client.Tests.View;

/// <summary>A <see cref="ChatView"/> over a real <see cref="ChatApp"/> with a substitute session, drawn on a <see cref="TestBackend"/>.</summary>
internal sealed class ViewHarness
{
    /// <summary>12:00 UTC on the test day, in server milliseconds.</summary>
    public const long Noon = 1_795_867_200_000;

    public ViewHarness(int width, int height, bool noColor = false, string nick = "alice")
    {
        Session.Nick.Returns(nick);
        Session.TransportName.Returns("TCP");
        Session.Server.Returns("127.0.0.1:7777");
        App = new ChatApp(Session, new ChatAppOptions { TimeProvider = Time });
        View = new ChatView(App, new ChatViewOptions { TimeZone = TimeZoneInfo.Utc, TimeProvider = Time });
        Backend = new TestBackend(width, height);
        Renderer = new Renderer(Backend, new RendererOptions { NoColor = noColor });
        Loop = new UiLoop(Backend, Renderer);
        Renderer.Enter();
        // Raw input from SendInput goes through the real decoder straight into the view.
        Backend.StartInput(e =>
        {
            if (e is ResizeEvent)
            {
                Renderer.Invalidate();
            }
            View.Update(e, Loop);
        });
        Event(new ConnectionStateEvent(new Connecting("TCP", "127.0.0.1:7777")));
        Server(new Welcome(ProtocolLimits.Version, nick, new ResumeToken(1, 2), false, "testnet", "async", 15, "be nice"));
        Event(new ConnectionStateEvent(new Connected("TCP", "127.0.0.1:7777", false)));
    }

    public IChatSession Session { get; } = Substitute.For<IChatSession>();

    public ManualTimeProvider Time { get; } = new();

    public ChatApp App { get; }

    public ChatView View { get; }

    public TestBackend Backend { get; }

    public Renderer Renderer { get; }

    public UiLoop Loop { get; }

    public void Event(SessionEvent e) => View.Update(new AppEvent(e), Loop);

    public void Server(params Message[] messages)
    {
        foreach (var message in messages)
        {
            Event(new ServerMessageEvent(message));
        }
    }

    public void Join(string room, string topic, params string[] members) =>
        Server(new RoomJoined(room, topic, 0, members.Select(m => new Member(m, "")).ToArray()), new HistoryBegin(room, 1, 0, 0), new HistoryEnd(room));

    private ulong _seq;

    public void Say(string room, string from, string text, int minute = 0) =>
        Server(new RoomMessage(room, ++_seq, Noon + (minute * 60_000L), from, MessageKind.Say, text, false));

    public void Key(KeyEvent key) => View.Update(key, Loop);

    public void Input(string raw) => Backend.SendInput(raw);

    /// <summary>Draws a frame and returns the whole screen.</summary>
    public string[] Draw()
    {
        Renderer.Draw(View.Render);
        return Backend.Lines;
    }
}
