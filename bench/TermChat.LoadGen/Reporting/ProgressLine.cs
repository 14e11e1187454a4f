namespace TermChat.LoadGen.Reporting;

/// <summary>
/// A status line on stderr while a long run goes on: rewritten in place once a second on a terminal,
/// one plain line every five seconds when stderr is redirected, nothing when disabled.
/// </summary>
public sealed class ProgressLine : IDisposable
{
    private readonly TextWriter? _output;
    private readonly bool _inPlace;
    private readonly Func<string> _status;
    private readonly Timer? _timer;
    private int _written;
    private int _ticks;

    /// <summary>Starts showing <paramref name="status"/>; <paramref name="output"/> null shows nothing.</summary>
    public ProgressLine(TextWriter? output, bool inPlace, Func<string> status)
    {
        _output = output;
        _inPlace = inPlace;
        _status = status;
        if (output is not null) _timer = new Timer(_ => Tick(), null, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));
    }

    /// <summary>Progress for the process's stderr, or none when <paramref name="enabled"/> is false.</summary>
    public static ProgressLine ForStderr(bool enabled, Func<string> status) =>
        new(enabled ? Console.Error : null, !Console.IsErrorRedirected, status);

    private void Tick()
    {
        if (_output is null) return;
        int tick = Interlocked.Increment(ref _ticks);
        if (!_inPlace && tick % 5 != 0) return;
        string line = _status();
        lock (_output)
        {
            if (_inPlace) _output.Write("\r\u001b[K" + line);
            else _output.WriteLine(line);
            _written = 1;
        }
    }

    /// <summary>Stops and clears the line.</summary>
    public void Dispose()
    {
        _timer?.Dispose();
        if (_output is null || !_inPlace) return;
        lock (_output)
        {
            if (_written != 0) _output.Write("\r\u001b[K");
        }
    }
}
