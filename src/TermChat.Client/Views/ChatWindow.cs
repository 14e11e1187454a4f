using TermChat.Client.App;
using TermChat.Client.Session;
using TermChat.Client.Transports;
using TermChat.Client.Views.Text;
using TermChat.Protocol.Messages;
using Terminal.Gui.App;
using Terminal.Gui.Input;
using Terminal.Gui.ViewBase;
using Terminal.Gui.Views;

namespace TermChat.Client.Views;

/// <summary>
/// The full-screen chat client on Terminal.Gui: title, room list │ messages │ member list, status line and input
/// line, composed with Pos/Dim over a <see cref="ChatApp"/>. The window holds no chat logic: session events are
/// applied to the app (on the UI thread, through <see cref="IApplication.Invoke(Action)"/>), input lines are
/// submitted to it, and the views draw its state. Keys are bound to commands (see <see cref="KeyHint"/> and F1).
/// </summary>
public sealed partial class ChatWindow : Runnable
{
    /// <summary>The last greeting line: the keys a first-time user needs.</summary>
    public const string KeyHint = "keys: Tab completes · PgUp/PgDn scroll · Ctrl+N/Ctrl+P or Alt+1..9 switch rooms · F2 members · F1 help · Ctrl+C quits";

    private readonly ChatApp _app;
    private readonly ChatWindowOptions _options;
    private readonly CancellationToken _cancellationToken;
    private readonly RowView _title;
    private readonly RoomList _rooms;
    private readonly Line _roomsRule;
    private readonly MessagePane _pane;
    private readonly Line _membersRule;
    private readonly MemberList _members;
    private readonly RowView _status;
    private readonly InputLine _input;
    private Task _submitTail = Task.CompletedTask;
    private bool _showMembers;
    private bool _greeted;
    private bool _greetedLog;
    private bool _membersShown;
    private DateTimeOffset _reconnectingSince;

    /// <summary>Creates the window over <paramref name="app"/>; <paramref name="cancellationToken"/> ends pending sends.</summary>
    public ChatWindow(ChatApp app, ChatWindowOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(app);
        _app = app;
        _options = options ?? new ChatWindowOptions();
        _cancellationToken = cancellationToken;
        _showMembers = _options.ShowMembers;
        var colors = _options.NoColor ? ColorMode.None : _options.HighContrast ? ColorMode.HighContrast : ColorMode.Full;
        Post = action => App?.Invoke(action);
        Width = Dim.Fill();
        Height = Dim.Fill();

        _title = new RowView(TitleText, SpanRole.Reverse) { Colors = colors, X = 0, Y = 0, Width = Dim.Fill() };
        _rooms = new RoomList(app) { Colors = colors, X = 0, Y = Pos.Func(_ => BodyTop), Width = Dim.Func(_ => RoomsWidth), Height = Dim.Func(_ => BodyHeight) };
        _roomsRule = new Line { Orientation = Terminal.Gui.ViewBase.Orientation.Vertical, X = Pos.Right(_rooms), Y = Pos.Top(_rooms), Height = Dim.Height(_rooms) };
        _members = new MemberList(app) { Colors = colors, X = Pos.Func(_ => Cols - MembersWidth), Y = Pos.Top(_rooms), Width = Dim.Func(_ => MembersWidth), Height = Dim.Height(_rooms) };
        _membersRule = new Line { Orientation = Terminal.Gui.ViewBase.Orientation.Vertical, X = Pos.Left(_members) - 1, Y = Pos.Top(_rooms), Height = Dim.Height(_rooms) };
        _pane = new MessagePane(app, _options.TimeZone)
        {
            Colors = colors,
            X = Pos.Func(_ => RoomsWidth == 0 ? 0 : RoomsWidth + 1),
            Y = Pos.Top(_rooms),
            Width = Dim.Fill(Dim.Func(_ => MembersWidth == 0 ? 0 : MembersWidth + 1)),
            Height = Dim.Height(_rooms),
        };
        _status = new RowView(StatusText) { Colors = colors, X = 0, Y = Pos.AnchorEnd(2), Width = Dim.Fill() };
        _input = new InputLine(new LineEditor(app), Prompt) { Colors = colors, X = 0, Y = Pos.AnchorEnd(1), Width = Dim.Fill() };
        Add(_title, _rooms, _roomsRule, _pane, _membersRule, _members, _status, _input);
        ShowDialog = dialog =>
        {
            App?.Run(dialog);
            dialog.Dispose();
            _input.SetFocus();
        };
        _input.Submitted += Submit;
        _pane.NickClicked += StartPrivateMessage;
        _members.NickClicked += StartPrivateMessage;
        _rooms.RoomChosen += Refresh;
        BindKeys();
    }

    /// <summary>The input line's editor.</summary>
    public LineEditor Editor => _input.Editor;

    /// <summary>Whether the member list is switched on (it is still hidden when the terminal is too narrow).</summary>
    public bool MembersVisible => _showMembers;

    /// <summary>Whether the message pane is scrolled up.</summary>
    public bool IsScrolledUp => _pane.IsScrolledUp;

    /// <summary>Whether the user asked to quit (Ctrl+C or /quit).</summary>
    public bool QuitRequested { get; private set; }

    /// <summary>Whether /quit has already said goodbye to the server.</summary>
    public bool QuitSent { get; private set; }

    /// <summary>The connection state after the last session event.</summary>
    public ConnectionState? LastState { get; private set; }

    /// <summary>Completes when every line submitted so far has been handed to the session.</summary>
    public Task PendingSubmits => _submitTail;

    /// <summary>Runs an action on the UI thread (results of sends, from other threads); the runner stops it on the way out.</summary>
    public Action<Action> Post { get; set; }

    /// <summary>Rings the terminal bell (a mention); the runner sets it, tests count calls.</summary>
    public Action Bell { get; set; } = () => { };

    private int Cols => Viewport.Width;

    private int Rows => Viewport.Height;

    private bool HasTitle => Rows >= 8;

    private int BodyTop => HasTitle ? 1 : 0;

    private int BodyHeight => Math.Max(0, Rows - BodyTop - (Rows >= 2 ? 2 : 1));

    // Below 40 columns the room list goes; below 60 the member list; private conversations have none.
    private int RoomsWidth => Cols < 40 ? 0 : Cols >= 100 ? 18 : 13;

    private int MembersWidth => _showMembers && Cols >= 60 && _app.CurrentRoom is { IsPrivate: false } ? (Cols >= 100 ? 18 : 13) : 0;

    /// <summary>
    /// Shows the greeting lines (the caller's, then the key hint). In a room they go at its top, after the welcome
    /// and message-of-the-day lines, which otherwise stay in the server log the pane no longer shows once a room is
    /// open. With no room open yet, they go to the server log the pane shows meanwhile, and the first room that opens
    /// repeats them. Called by the runner when it joins no room itself, and on the first room.
    /// </summary>
    public void ShowGreeting()
    {
        if (_greeted)
        {
            return;
        }
        var lines = new List<string>();
        if (_app.CurrentRoom is null)
        {
            if (_greetedLog)
            {
                return;
            }
            _greetedLog = true;
        }
        else
        {
            _greeted = true;
            lines.AddRange(_app.ServerLog.Where(l => l.Kind is EntryKind.Welcome or EntryKind.Notice).Select(l => l.Text));
        }
        if (_app.CurrentRoom is null || !_greetedLog)
        {
            // Not yet in the server log (whose notices were just repeated above).
            lines.AddRange(_options.Greeting);
            lines.Add(KeyHint);
        }
        foreach (string line in lines)
        {
            _app.Apply(new ServerMessageEvent(new Notice("", line)));
        }
        Refresh();
    }

    /// <summary>Applies a session event to the app; call on the UI thread.</summary>
    public void ApplySessionEvent(SessionEvent sessionEvent)
    {
        ArgumentNullException.ThrowIfNull(sessionEvent);
        var entries = _app.Apply(sessionEvent);
        if (sessionEvent is ConnectionStateEvent { State: var state })
        {
            LastState = state;
            if (state is Reconnecting)
            {
                _reconnectingSince = _options.TimeProvider.GetUtcNow();
            }
            if (QuitRequested && state is Disconnected)
            {
                // The goodbye went through; do not wait for anything else.
                Stop();
            }
        }
        if (entries.Any(entry => entry.IsMention && !entry.IsOwn && !entry.IsReplay))
        {
            Bell();
        }
        if (!_greeted && _app.CurrentRoom is not null)
        {
            ShowGreeting();
        }
        ShowDialogsFor(entries);
        if (sessionEvent is ServerMessageEvent { Message: RoomMessage })
        {
            // The common case, and the one that comes in floods: a line for the pane, or a count for the room list.
            _pane.SetNeedsDraw();
            _rooms.SetNeedsDraw();
        }
        else
        {
            Refresh();
        }
    }

    /// <summary>The session is over for good (quit, or lost beyond reconnecting): nothing more can happen here.</summary>
    public void SessionEnded() => Stop();

    /// <summary>Redraws everything (state changed); call on the UI thread. Cheap: the next iteration draws once.</summary>
    public void Refresh()
    {
        // The member list comes and goes with the room (private conversations have none) and the F2 toggle.
        bool membersShown = MembersWidth > 0;
        if (membersShown != _membersShown)
        {
            _membersShown = membersShown;
            SetNeedsLayout();
        }
        foreach (var view in SubViews)
        {
            view.SetNeedsDraw();
        }
    }

    private void Stop()
    {
        if (IsRunning)
        {
            RequestStop();
        }
    }

    private StyledLine TitleText(int width)
    {
        var room = _app.CurrentRoom;
        var status = _app.Status;
        string text = room switch
        {
            null => $" termchat · {(status.ServerName.Length > 0 ? status.ServerName : status.Server)}",
            { IsPrivate: true } => $" {room.Name} (private conversation)",
            { Topic.Length: > 0 } => $" {room.Name}: {room.Topic}",
            _ => $" {room.Name}",
        };
        return new StyledLine([new Span(text)]);
    }

    private StyledLine StatusText(int width) => StatusLine.Build(_app.Status, width, StateText(_app.Status.State));

    private string Prompt(int width)
    {
        var room = _app.CurrentRoom;
        string prompt = room is not null && width >= 40 ? $"[{room.Name}] " : "> ";
        return Columns.Of(prompt) > width / 3 ? "> " : prompt;
    }

    private (string Long, string Short) StateText(ConnectionState state)
    {
        switch (state)
        {
            case Connected:
                return ("connected", "up");
            case Connecting:
                return ("connecting…", "conn…");
            case Reconnecting r:
            {
                var left = r.Delay - (_options.TimeProvider.GetUtcNow() - _reconnectingSince);
                string seconds = Math.Max(0, Math.Ceiling(left.TotalSeconds)).ToString("0", System.Globalization.CultureInfo.InvariantCulture);
                return ($"reconnecting in {seconds}s (attempt {r.Attempt.ToString(System.Globalization.CultureInfo.InvariantCulture)})", $"retry {seconds}s");
            }
            case Disconnected d:
                return ($"disconnected: {d.Reason}", "down");
            default:
                return (state.Describe(), "?");
        }
    }

    private void StartPrivateMessage(string nick)
    {
        _input.Editor.SetText($"/msg {nick} ");
        _input.SetNeedsDraw();
        _input.SetFocus();
    }

    private void Submit(string text)
    {
        if (text.Trim().Length == 0)
        {
            return;
        }
        var parsed = ParsedInput.Parse(text);
        switch (parsed.Command)
        {
            case null:
                _pane.ScrollToBottom();
                break;
            case "names" or "who":
                _showMembers = true;
                break;
            case "quit" or "exit":
                QuitRequested = true;
                break;
        }
        // Lines go out one after another, in the order typed, even while the session is reconnecting.
        var previous = _submitTail;
        _submitTail = SubmitAfterAsync(previous, text);
        Refresh();
    }

    private async Task SubmitAfterAsync(Task previous, string text)
    {
        await previous.ConfigureAwait(false);
        try
        {
            var result = await _app.SubmitAsync(text, _cancellationToken).ConfigureAwait(false);
            Post(() => OnSubmitted(result, null));
        }
        catch (OperationCanceledException) when (_cancellationToken.IsCancellationRequested)
        {
        }
#pragma warning disable CA1031 // A failed send must not break the chain of later lines or leave /quit hanging: it is shown instead.
        catch (Exception e)
#pragma warning restore CA1031
        {
            Post(() => OnSubmitted(null, e.Message));
        }
    }

    private void OnSubmitted(SubmitResult? result, string? error)
    {
        if (error is not null)
        {
            _app.Apply(new ServerMessageEvent(new Notice("", $"not sent: {error}")));
            if (QuitRequested)
            {
                Stop();
            }
        }
        else if (result is { Quit: true })
        {
            QuitRequested = true;
            QuitSent = true;
            Stop();
        }
        else
        {
            ShowNetcheckIfNew();
        }
        Refresh();
    }
}
