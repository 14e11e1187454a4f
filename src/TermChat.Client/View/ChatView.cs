using TermChat.Client.App;
using TermChat.Client.Session;
using TermChat.Tui.Editing;
using TermChat.Tui.Input;
using TermChat.Tui.Loop;
using TermChat.Tui.Rendering;
using TermChat.Tui.Widgets;

namespace TermChat.Client.View;

/// <summary>
/// The full-screen chat: room list, scrollback with an unread marker, member list, status bar and
/// input line, drawn from <see cref="ChatApp"/> state on the Tui loop. Session events arrive as
/// <see cref="AppEvent"/>s; everything runs on the loop thread.
/// </summary>
internal sealed partial class ChatView : IUiApplication
{
    private readonly ChatApp _app;
    private readonly LineEditor _editor;
    private readonly TextInputState _inputState = new();
    private readonly SemaphoreSlim _eventCredits;
    private readonly CancellationToken _cancellationToken;
    private readonly System.Threading.Channels.Channel<string> _submissions = System.Threading.Channels.Channel.CreateUnbounded<string>();
    private Task? _submitter;
    private int _scrollBack;
    private bool _quitting;

    private readonly Action? _bell;

    public ChatView(ChatApp app, SemaphoreSlim eventCredits, Action? bell, CancellationToken cancellationToken)
    {
        _app = app;
        _bell = bell;
        _eventCredits = eventCredits;
        _cancellationToken = cancellationToken;
        _editor = new LineEditor(app);
    }

    /// <summary>Set when the user quit (or the session ended for good); the exit code follows from it.</summary>
    public bool UserQuit { get; private set; }

    /// <summary>The last connection state, for the exit message.</summary>
    public ConnectionState? LastState { get; private set; }

    public void Update(TerminalEvent e, UiLoop loop)
    {
        switch (e)
        {
            case AppEvent { Message: SessionEvent sessionEvent }:
                var entries = _app.Apply(sessionEvent);
                _eventCredits.Release();
                if (_bell is not null && entries.Any(entry => entry.IsMention && !entry.IsReplay))
                {
                    _bell();
                }
                if (sessionEvent is ConnectionStateEvent { State: var state })
                {
                    LastState = state;
                }
                break;
            case AppEvent { Message: SessionEnded }:
                loop.Quit();
                break;
            case AppEvent { Message: SubmitDone done }:
                if (done.Result.Quit)
                {
                    UserQuit = true;
                    loop.Quit();
                }
                break;
            case KeyEvent key:
                OnKey(key, loop);
                break;
            case PasteEvent paste:
                OnPaste(paste.Text, loop);
                break;
        }
    }

    private void OnKey(KeyEvent key, UiLoop loop)
    {
        if (key.IsCtrl('c') || (key.IsCtrl('d') && _editor.Text.Length == 0))
        {
            Submit("/quit", loop);
            return;
        }
        if (key.IsCtrl('l'))
        {
            loop.Renderer.Invalidate();
            return;
        }
        if (key.IsCtrl('n') || (key.Code == KeyCode.Right && key.Modifiers == KeyModifiers.Alt))
        {
            _app.SelectRelative(1);
            _scrollBack = 0;
            return;
        }
        if (key.IsCtrl('p') || (key.Code == KeyCode.Left && key.Modifiers == KeyModifiers.Alt))
        {
            _app.SelectRelative(-1);
            _scrollBack = 0;
            return;
        }
        if (key.IsCtrl('x') || (key.Code == KeyCode.Char && key.Modifiers == KeyModifiers.Alt && key.Text == "a"))
        {
            _app.SelectNextUnread();
            _scrollBack = 0;
            return;
        }
        if (key.Code == KeyCode.Char && key.Modifiers == KeyModifiers.Alt && key.Text is [>= '1' and <= '9'])
        {
            var rooms = _app.Rooms;
            int index = key.Text[0] - '1';
            if (index < rooms.Count)
            {
                _app.SelectRoom(rooms[index].Name);
                _scrollBack = 0;
            }
            return;
        }
        switch (key.Code)
        {
            case KeyCode.PageUp:
                _scrollBack += 10;
                return;
            case KeyCode.PageDown:
                _scrollBack = Math.Max(0, _scrollBack - 10);
                return;
            case KeyCode.Enter:
                string line = _editor.Submit();
                _scrollBack = 0;
                Submit(line, loop);
                return;
        }
        _editor.HandleKey(key);
    }

    // A multi-line paste becomes one message per line, sent in order; the server slows a fast
    // sender rather than dropping, so nothing is lost.
    private void OnPaste(string text, UiLoop loop)
    {
        string[] lines = text.Split('\n');
        if (lines.Length == 1)
        {
            _editor.Insert(text);
            return;
        }
        string first = _editor.Text + lines[0];
        _editor.Clear();
        SubmitAll([first, .. lines[1..^1]], loop);
        _editor.Insert(lines[^1]);
    }

    private void Submit(string line, UiLoop loop) => SubmitAll([line], loop);

    // Lines go to one worker in order, so a paste and the line typed after it cannot overtake each other.
    private void SubmitAll(IReadOnlyList<string> lines, UiLoop loop)
    {
        if (_quitting)
        {
            return;
        }
        foreach (string line in lines)
        {
            if (line.Trim().Length == 0)
            {
                continue;
            }
            if (ParsedInput.Parse(line).Command is "quit" or "exit")
            {
                _quitting = true;
            }
            _submissions.Writer.TryWrite(line);
            if (_quitting)
            {
                break;
            }
        }
        _submitter ??= Task.Run(() => SubmitLoopAsync(loop), CancellationToken.None);
    }

    private async Task SubmitLoopAsync(UiLoop loop)
    {
        await foreach (string line in _submissions.Reader.ReadAllAsync(CancellationToken.None).ConfigureAwait(false))
        {
            try
            {
                var result = await _app.SubmitAsync(line, _cancellationToken).ConfigureAwait(false);
                loop.Post(new SubmitDone(result));
                if (result.Quit)
                {
                    return;
                }
            }
            catch (Exception e) when (e is OperationCanceledException or Transports.ChatLinkException)
            {
                loop.Post(new SubmitDone(new SubmitResult([], Quit: _quitting)));
                return;
            }
        }
    }

    public void Render(Frame frame) => Draw(frame);

    /// <summary>Posted when a submitted line has been handled.</summary>
    internal sealed record SubmitDone(SubmitResult Result);

    /// <summary>Posted when the session's event stream ended.</summary>
    internal sealed record SessionEnded;
}
