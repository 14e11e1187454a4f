using NSubstitute;
using TermChat.Client.App;
using TermChat.Client.Session;
using TermChat.TestKit.Server;
using TermChat.Client.Views;
using TermChat.Protocol;
using TermChat.Protocol.Messages;
using Terminal.Gui.App;
using Terminal.Gui.Drivers;
using Terminal.Gui.Input;
using Terminal.Gui.Testing;
using Attribute = Terminal.Gui.Drawing.Attribute;

namespace TermChat.Client.Tests.Views;

/// <summary>
/// A <see cref="ChatWindow"/> over a real <see cref="ChatApp"/> with a substitute session, running in Terminal.Gui's
/// in-memory ANSI driver at a fixed size: keys are injected through the application, screens read from the driver.
/// </summary>
internal sealed class GuiHarness : IDisposable
{
    /// <summary>12:00 UTC on the test day, in server milliseconds.</summary>
    public const long Noon = 1_795_867_200_000;

    private readonly SessionToken? _token;
    private ulong _seq;

    public GuiHarness(int width, int height, bool noColor = false, string nick = "alice", bool highContrast = false)
    {
        Session.Nick.Returns(nick);
        Session.TransportName.Returns("TCP");
        Session.Server.Returns("127.0.0.1:7777");
        App = new ChatApp(Session, new ChatAppOptions { TimeProvider = Time });
        Gui = Application.Create();
        Gui.Init(DriverRegistry.Names.ANSI);
        Gui.Driver!.SetScreenSize(width, height);
        Window = new ChatWindow(App, new ChatWindowOptions { TimeZone = TimeZoneInfo.Utc, TimeProvider = Time, NoColor = noColor, HighContrast = highContrast })
        {
            Bell = () => BellCount++,
        };
        _token = Gui.Begin(Window);
        Event(new ConnectionStateEvent(new Connecting("TCP", "127.0.0.1:7777")));
        Server(new Welcome(ProtocolLimits.Version, nick, new ResumeToken(1, 2), false, "testnet", "async", 15, "be nice"));
        Event(new ConnectionStateEvent(new Connected("TCP", "127.0.0.1:7777", false)));
    }

    public IChatSession Session { get; } = Substitute.For<IChatSession>();

    public ManualTimeProvider Time { get; } = new();

    public ChatApp App { get; }

    public IApplication Gui { get; }

    public ChatWindow Window { get; }

    public int BellCount { get; private set; }

    public void Event(SessionEvent e) => Window.ApplySessionEvent(e);

    public void Server(params Message[] messages)
    {
        foreach (var message in messages)
        {
            Event(new ServerMessageEvent(message));
        }
    }

    public void Join(string room, string topic, params string[] members) =>
        Server(new RoomJoined(room, topic, 0, members.Select(m => new Member(m, "")).ToArray()), new HistoryBegin(room, 1, 0, 0), new HistoryEnd(room));

    public void Say(string room, string from, string text, int minute = 0) =>
        Server(new RoomMessage(room, ++_seq, Noon + (minute * 60_000L), from, MessageKind.Say, text, false));

    /// <summary>Presses keys.</summary>
    public void Key(params Key[] keys)
    {
        foreach (var key in keys)
        {
            Gui.InjectKey(key);
        }
    }

    /// <summary>Types text, one key per code point (as a terminal sends an emoji with a skin tone: two keys).</summary>
    public void Type(string text)
    {
        foreach (var rune in text.EnumerateRunes())
        {
            Gui.InjectKey(new Key(rune.Value));
        }
    }

    /// <summary>A bracketed paste, as the driver reports it.</summary>
    public void Paste(string text) => Gui.RaisePasteEvent(text);

    public void Resize(int width, int height) => Gui.Driver!.SetScreenSize(width, height);

    /// <summary>Lays out and draws, and returns the whole screen, one string per row.</summary>
    public string[] Draw()
    {
        Gui.LayoutAndDraw();
        return Rows(Gui);
    }

    /// <summary>The screen as last drawn, one string per row (call on the UI thread of a running application).</summary>
    public static string[] Rows(IApplication gui)
    {
        var contents = gui.Driver!.Contents!;
        int rows = contents.GetLength(0);
        int cols = contents.GetLength(1);
        var screen = new string[rows];
        for (int r = 0; r < rows; r++)
        {
            var line = new System.Text.StringBuilder();
            for (int c = 0; c < cols; c++)
            {
                // The second cell of a wide glyph holds nothing of its own.
                string grapheme = contents[r, c].Grapheme;
                line.Append(grapheme);
                c += Math.Max(0, Client.Views.Text.Columns.Of(grapheme) - 1);
            }
            screen[r] = line.ToString();
        }
        return screen;
    }

    /// <summary>The attribute of the cell at (column, row) as last drawn.</summary>
    public Attribute AttributeAt(int column, int row) => Gui.Driver!.Contents![row, column].Attribute ?? default;

    /// <summary>Where the focused view puts the terminal cursor (screen position), or null when hidden.</summary>
    public System.Drawing.Point? CursorPosition => Gui.Navigation?.GetFocused()?.Cursor.Position;

    public void Dispose()
    {
        if (_token is not null)
        {
            Gui.End(_token);
        }
        Window.Dispose();
        Gui.Dispose();
    }
}
