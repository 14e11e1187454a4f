using System.Runtime.InteropServices;
using System.Text;
using TermChat.Tui.Geometry;
using TermChat.Tui.Input;
using TermChat.Tui.Rendering;

namespace TermChat.Tui.Backends;

/// <summary>
/// A real terminal on stdin/stdout. On Linux it switches to raw mode through termios, reads raw
/// bytes on its own input thread (poll with a short timeout so a lone ESC resolves), measures
/// with TIOCGWINSZ and reports SIGWINCH. Elsewhere it falls back to <see cref="Console"/> settings.
/// <see cref="Restore"/> is idempotent and is hooked to SIGTERM/SIGINT/SIGHUP/SIGQUIT, process exit
/// and unhandled exceptions, so the terminal is given back however the process ends.
/// </summary>
public sealed class AnsiTerminalBackend : ITerminalBackend, IDisposable
{
    private const int EscapeTimeoutMs = 30;
    private const int IdlePollMs = 100;

    private readonly Lock _lock = new();
    private readonly Stream _stdout = Console.OpenStandardOutput();
    private readonly List<PosixSignalRegistration> _exitSignals = [];
    private PosixSignalRegistration? _resizeSignal;
    private Termios _savedTermios;
    private bool _hasSavedTermios;
    private bool _entered;
    private Thread? _inputThread;
    private volatile bool _stopInput;

    public AnsiTerminalBackend()
    {
        AppDomain.CurrentDomain.ProcessExit += OnProcessExit;
        AppDomain.CurrentDomain.UnhandledException += OnUnhandledException;
        if (!OperatingSystem.IsWindows())
        {
            foreach (var signal in new[] { PosixSignal.SIGTERM, PosixSignal.SIGINT, PosixSignal.SIGHUP, PosixSignal.SIGQUIT })
            {
                // Not cancelled: the default action (termination) still happens after the terminal is restored.
                _exitSignals.Add(PosixSignalRegistration.Create(signal, _ => Restore()));
            }
        }
    }

    public TerminalSize Size
    {
        get
        {
            if (OperatingSystem.IsLinux() && LinuxTerminal.TryGetWindowSize(out var width, out var height))
            {
                return new TerminalSize(width, height);
            }

            try
            {
                return new TerminalSize(Console.WindowWidth, Console.WindowHeight);
            }
            catch (IOException)
            {
                return new TerminalSize(80, 24);
            }
        }
    }

    public void Write(string text) => Write(Encoding.UTF8.GetBytes(text));

    public void Write(ReadOnlySpan<byte> bytes)
    {
        lock (_lock)
        {
            _stdout.Write(bytes);
        }
    }

    public void Flush()
    {
        lock (_lock)
        {
            _stdout.Flush();
        }
    }

    public void Enter()
    {
        lock (_lock)
        {
            if (_entered)
            {
                return;
            }

            if (OperatingSystem.IsLinux() && LinuxTerminal.TryGetAttributes(out _savedTermios))
            {
                _hasSavedTermios = true;
                LinuxTerminal.TrySetAttributes(LinuxTerminal.MakeRaw(_savedTermios));
            }
            else
            {
                SetConsoleControlCAsInput(true);
            }

            _stdout.Write(Encoding.UTF8.GetBytes(AnsiSequences.Enter));
            _stdout.Flush();
            _entered = true;
        }
    }

    public void Leave() => Restore();

    /// <summary>
    /// Gives the terminal back: disables bracketed paste, resets styles, shows the cursor, leaves the
    /// alternate screen and restores the saved termios. Safe to call any number of times, from any
    /// thread, including signal and exit handlers; never throws.
    /// </summary>
    public void Restore()
    {
        lock (_lock)
        {
            if (!_entered)
            {
                return;
            }

            _entered = false;
            try
            {
                _stdout.Write(Encoding.UTF8.GetBytes(AnsiSequences.Leave));
                _stdout.Flush();
            }
            catch (IOException)
            {
                // The terminal may already be gone (SIGHUP); the termios restore below still matters.
            }

            if (_hasSavedTermios)
            {
                LinuxTerminal.TrySetAttributes(_savedTermios);
            }
            else
            {
                SetConsoleControlCAsInput(false);
            }
        }
    }

    public void StartInput(Action<TerminalEvent> onEvent)
    {
        if (_inputThread is not null)
        {
            return;
        }

        _stopInput = false;
        if (!OperatingSystem.IsWindows())
        {
            _resizeSignal = PosixSignalRegistration.Create(PosixSignal.SIGWINCH, _ =>
            {
                var size = Size;
                onEvent(new ResizeEvent(size.Width, size.Height));
            });
        }

        _inputThread = new Thread(() => ReadInput(onEvent)) { IsBackground = true, Name = "TermChat.Tui input" };
        _inputThread.Start();
    }

    public void StopInput()
    {
        _stopInput = true;
        _resizeSignal?.Dispose();
        _resizeSignal = null;
        // On Linux the thread notices the flag within one poll interval; the fallback thread may be
        // blocked in a read and is a background thread, so it is not joined.
        if (OperatingSystem.IsLinux())
        {
            _inputThread?.Join(TimeSpan.FromMilliseconds(IdlePollMs * 3));
        }

        _inputThread = null;
    }

    public void Dispose()
    {
        StopInput();
        Restore();
        foreach (var registration in _exitSignals)
        {
            registration.Dispose();
        }

        _exitSignals.Clear();
        AppDomain.CurrentDomain.ProcessExit -= OnProcessExit;
        AppDomain.CurrentDomain.UnhandledException -= OnUnhandledException;
    }

    private void ReadInput(Action<TerminalEvent> onEvent)
    {
        var decoder = new InputDecoder();
        var buffer = new byte[4096];
        if (OperatingSystem.IsLinux())
        {
            while (!_stopInput)
            {
                if (!LinuxTerminal.PollReadable(decoder.HasPending ? EscapeTimeoutMs : IdlePollMs))
                {
                    if (decoder.HasPending)
                    {
                        Dispatch(decoder.Flush(), onEvent);
                    }

                    continue;
                }

                var n = LinuxTerminal.Read(buffer);
                if (n < 0 && Marshal.GetLastPInvokeError() == 4)
                {
                    continue; // EINTR: a signal (e.g. SIGWINCH) interrupted the read.
                }

                if (n <= 0)
                {
                    return;
                }

                Dispatch(decoder.Feed(buffer.AsSpan(0, n)), onEvent);
            }

            return;
        }

        using var stdin = Console.OpenStandardInput();
        while (!_stopInput)
        {
            var n = stdin.Read(buffer);
            if (n <= 0)
            {
                return;
            }

            Dispatch(decoder.Feed(buffer.AsSpan(0, n)), onEvent);
            // Without poll there is no timeout, so a lone ESC at the end of a read is taken as Escape.
            Dispatch(decoder.Flush(), onEvent);
        }
    }

    private static void Dispatch(IReadOnlyList<TerminalEvent> events, Action<TerminalEvent> onEvent)
    {
        foreach (var e in events)
        {
            onEvent(e);
        }
    }

    private static void SetConsoleControlCAsInput(bool value)
    {
        try
        {
            Console.TreatControlCAsInput = value;
        }
        catch (IOException)
        {
            // No console attached (redirected input): nothing to change.
        }
    }

    private void OnProcessExit(object? sender, EventArgs e) => Restore();

    private void OnUnhandledException(object? sender, UnhandledExceptionEventArgs e) => Restore();
}
