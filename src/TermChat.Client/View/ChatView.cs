using TermChat.Client.App;
using TermChat.Client.Session;
using TermChat.Client.Transports;
using TermChat.Protocol.Messages;
using TermChat.Tui.Editing;
using TermChat.Tui.Input;
using TermChat.Tui.Loop;
using TermChat.Tui.Widgets;
using LineEditor = TermChat.Tui.Editing.LineEditor;

namespace TermChat.Client.LegacyView;

/// <summary>
/// The full-screen chat client as a Tui application: room list, message pane with scrollback, member
/// list, status bar and input line over a <see cref="ChatApp"/>. Everything runs on the UI loop: session
/// events arrive as <see cref="AppEvent"/>s carrying <see cref="SessionEvent"/>s and are applied here, so
/// the live room state is only read on the thread that changes it.
/// </summary>
/// <remarks>
/// Keys: Enter sends; Ctrl+C (or Ctrl+D on an empty line) quits; Ctrl+N/Ctrl+P, Alt+1..9, Alt+←/→ switch rooms,
/// Ctrl+X or Alt+A jumps to the next room with unread lines; PgUp/PgDn scroll; Home/End move in the input line, and once the cursor is already
/// there (or with Ctrl) jump to the top/bottom of the scrollback; Esc returns to the latest line; F2 or
/// Alt+M toggles the member list; Ctrl+L redraws; Up/Down browse input history; Tab completes.
/// </remarks>
public sealed partial class ChatView : IUiApplication
{
    private readonly ChatApp _app;
    private readonly ChatViewOptions _options;
    private readonly CancellationToken _cancellationToken;
    private readonly LineEditor _editor;
    private readonly TextInputState _inputState = new();
    private readonly Dictionary<object, ScrollAnchor> _anchors = [];
    private readonly object _serverLogKey = new();
    private Task _submitTail = Task.CompletedTask;
    private bool _showMembers;
    private bool _greeted;
    private DateTimeOffset _reconnectingSince;
    private volatile bool _updating;

    /// <summary>The last greeting line: the keys a first-time user needs.</summary>
    public const string KeyHint = "keys: Tab completes · PgUp/PgDn scroll · Ctrl+N/Ctrl+P or Alt+1..9 switch rooms · F2 members · /help · Ctrl+C quits";

    /// <summary>Creates the view over <paramref name="app"/>; <paramref name="cancellationToken"/> ends pending sends.</summary>
    public ChatView(ChatApp app, ChatViewOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(app);
        _app = app;
        _options = options ?? new ChatViewOptions();
        _cancellationToken = cancellationToken;
        _showMembers = _options.ShowMembers;
        _editor = new LineEditor(app);
    }

    /// <summary>The input line.</summary>
    public LineEditor Editor => _editor;

    /// <summary>Whether the member list is switched on (it is still hidden when the terminal is too narrow).</summary>
    public bool MembersVisible => _showMembers;

    /// <summary>Whether the user asked to quit (Ctrl+C or /quit).</summary>
    public bool QuitRequested { get; private set; }

    /// <summary>Whether /quit has already said goodbye to the server.</summary>
    public bool QuitSent { get; private set; }

    /// <summary>The connection state after the last session event; <see cref="Disconnected"/> once the session is over.</summary>
    public ConnectionState? LastState { get; private set; }

    /// <summary>True while <see cref="Update"/> runs: changes made then are drawn by the frame that follows anyway.</summary>
    internal bool IsUpdating => _updating;

    /// <summary>Called on the loop after each session event is applied (the runner uses it for backpressure).</summary>
    internal Action? SessionEventApplied { get; init; }

    /// <summary>Completes when every line submitted so far has been handed to the session.</summary>
    public Task PendingSubmits => _submitTail;

    /// <inheritdoc/>
    public void Update(TerminalEvent e, UiLoop loop)
    {
        ArgumentNullException.ThrowIfNull(loop);
        _updating = true;
        try
        {
            Dispatch(e, loop);
        }
        finally
        {
            _updating = false;
        }
    }

    private void Dispatch(TerminalEvent e, UiLoop loop)
    {
        switch (e)
        {
            case AppEvent { Message: SessionEvent sessionEvent }:
                ApplySessionEvent(sessionEvent, loop);
                SessionEventApplied?.Invoke();
                break;
            case AppEvent { Message: SubmitCompleted done }:
                OnSubmitted(done, loop);
                break;
            case AppEvent { Message: SessionEnded }:
                // The session is over for good (quit, or lost beyond reconnecting): nothing more can happen here.
                loop.Quit();
                break;
            case KeyEvent key:
                HandleKey(key, loop);
                break;
            case PasteEvent paste:
                // A multi-line paste stays one piece of text and is sent as one message on Enter.
                _editor.Insert(paste.Text);
                break;
            // Resizes, ticks and redraw requests need no state change: the loop renders after every batch.
        }
    }

    /// <summary>Shows the greeting lines now (when no room will be joined, they cannot wait for the first one).</summary>
    public void ShowGreeting()
    {
        if (_greeted)
        {
            return;
        }
        _greeted = true;
        var lines = new List<string>();
        if (_app.CurrentRoom is not null)
        {
            // Lines that arrived before any room was open (welcome, MOTD) live in the server log, which the
            // pane no longer shows once a room is open: repeat them at the top of the first room.
            lines.AddRange(_app.ServerLog.Where(l => l.Kind is EntryKind.Welcome or EntryKind.Notice).Select(l => l.Text));
        }
        lines.AddRange(_options.Greeting);
        lines.Add(KeyHint);
        foreach (string line in lines)
        {
            _app.Apply(new ServerMessageEvent(new Notice("", line)));
        }
    }

    private void ApplySessionEvent(SessionEvent sessionEvent, UiLoop loop)
    {
        var entries = _app.Apply(sessionEvent);
        if (sessionEvent is ConnectionStateEvent { State: var state })
        {
            LastState = state;
        }
        if (QuitRequested && sessionEvent is ConnectionStateEvent { State: Disconnected })
        {
            // The goodbye went through; do not wait for anything else.
            loop.Quit();
        }
        if (sessionEvent is ConnectionStateEvent { State: Reconnecting })
        {
            _reconnectingSince = _options.TimeProvider.GetUtcNow();
        }
        if (entries.Any(entry => entry.IsMention && !entry.IsOwn && !entry.IsReplay))
        {
            loop.Renderer.Bell();
        }
        if (!_greeted && _app.CurrentRoom is not null)
        {
            ShowGreeting();
        }
    }

    private void Submit(UiLoop loop)
    {
        string text = _editor.Submit();
        if (text.Trim().Length == 0)
        {
            return;
        }
        var parsed = ParsedInput.Parse(text);
        switch (parsed.Command)
        {
            case null:
                ScrollToBottom();
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
        _submitTail = SubmitAfterAsync(previous, text, loop);
    }

    private async Task SubmitAfterAsync(Task previous, string text, UiLoop loop)
    {
        await previous.ConfigureAwait(false);
        try
        {
            var result = await _app.SubmitAsync(text, _cancellationToken).ConfigureAwait(false);
            loop.Post(new SubmitCompleted(result, null));
        }
        catch (OperationCanceledException) when (_cancellationToken.IsCancellationRequested)
        {
        }
#pragma warning disable CA1031 // A failed send must not break the chain of later lines or leave /quit hanging: it is shown instead.
        catch (Exception e)
#pragma warning restore CA1031
        {
            loop.Post(new SubmitCompleted(null, e.Message));
        }
    }

    private void OnSubmitted(SubmitCompleted done, UiLoop loop)
    {
        if (done.Error is { } error)
        {
            _app.Apply(new ServerMessageEvent(new Notice("", $"not sent: {error}")));
            if (QuitRequested)
            {
                loop.Quit();
            }
        }
        else if (done.Result is { Quit: true })
        {
            QuitRequested = true;
            QuitSent = true;
            loop.Quit();
        }
    }
}
