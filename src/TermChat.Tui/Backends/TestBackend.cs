using System.Text;
using TermChat.Tui.Geometry;
using TermChat.Tui.Input;
using TermChat.Tui.Rendering;
using TermChat.Tui.Styling;

namespace TermChat.Tui.Backends;

/// <summary>
/// An in-memory terminal for tests. Everything written is kept (<see cref="Writes"/>) and applied to
/// a virtual screen, so tests can assert whole screens through <see cref="Lines"/>. Input is
/// injected as raw bytes with <see cref="SendInput(string)"/> and goes through a real <see cref="InputDecoder"/>.
/// </summary>
public sealed class TestBackend : ITerminalBackend
{
    private readonly VirtualTerminal _terminal;
    private readonly List<string> _writes = [];
    private readonly InputDecoder _decoder = new();
    private Action<TerminalEvent>? _onEvent;

    public TestBackend(int width, int height)
    {
        Size = new TerminalSize(width, height);
        _terminal = new VirtualTerminal(Size.Width, Size.Height);
    }

    public TerminalSize Size { get; private set; }

    /// <summary>Every string passed to <see cref="Write(string)"/>, in order (the renderer writes once per frame).</summary>
    public IReadOnlyList<string> Writes => _writes;

    public int FlushCount { get; private set; }

    public bool IsEntered { get; private set; }

    /// <summary>The visible screen, one string per row; wide glyphs appear once.</summary>
    public string[] Lines => _terminal.Lines();

    public Position CursorPosition => _terminal.Cursor;

    public bool CursorVisible => _terminal.CursorVisible;

    public bool IsAlternateScreen => _terminal.IsAlternateScreen;

    public bool BracketedPasteEnabled => _terminal.BracketedPaste;

    /// <summary>How many times the bell (BEL) was rung.</summary>
    public int BellCount => _terminal.BellCount;

    public Style StyleAt(int x, int y) => _terminal.StyleAt(x, y);

    public void Write(string text)
    {
        _writes.Add(text);
        _terminal.Apply(text);
    }

    public void Write(ReadOnlySpan<byte> bytes) => Write(Encoding.UTF8.GetString(bytes));

    public void Flush() => FlushCount++;

    public void Enter()
    {
        IsEntered = true;
        Write(AnsiSequences.Enter);
    }

    public void Leave()
    {
        if (!IsEntered)
        {
            return;
        }

        IsEntered = false;
        Write(AnsiSequences.Leave);
    }

    public void StartInput(Action<TerminalEvent> onEvent) => _onEvent = onEvent;

    public void StopInput() => _onEvent = null;

    /// <summary>Changes the size and reports a <see cref="ResizeEvent"/> like SIGWINCH would.</summary>
    public void Resize(int width, int height)
    {
        Size = new TerminalSize(width, height);
        _terminal.Resize(Size.Width, Size.Height);
        _onEvent?.Invoke(new ResizeEvent(Size.Width, Size.Height));
    }

    /// <summary>Feeds raw input (escape sequences included) as if the user typed it.</summary>
    public void SendInput(string raw) => SendInput(Encoding.UTF8.GetBytes(raw));

    public void SendInput(ReadOnlySpan<byte> raw) => Dispatch(_decoder.Feed(raw));

    /// <summary>Simulates the input timeout that resolves a lone ESC.</summary>
    public void FlushInput() => Dispatch(_decoder.Flush());

    private void Dispatch(IReadOnlyList<TerminalEvent> events)
    {
        foreach (var e in events)
        {
            _onEvent?.Invoke(e);
        }
    }
}
