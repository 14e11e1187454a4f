using System.Threading.Channels;
using TermChat.Tui.Backends;
using TermChat.Tui.Input;
using TermChat.Tui.Rendering;

namespace TermChat.Tui.Loop;

/// <summary>
/// The single thread of UI state. Input, resizes, ticks and application messages all arrive
/// through one channel; the loop drains every pending event, lets the application update, then
/// renders once (no faster than <see cref="UiLoopOptions.MinFrameInterval"/>).
/// </summary>
public sealed class UiLoop
{
    private readonly Channel<TerminalEvent> _events = Channel.CreateUnbounded<TerminalEvent>(new UnboundedChannelOptions { SingleReader = true });
    private readonly ITerminalBackend _backend;
    private readonly UiLoopOptions _options;
    private volatile bool _quit;

    public UiLoop(ITerminalBackend backend, Renderer renderer, UiLoopOptions? options = null)
    {
        _backend = backend;
        Renderer = renderer;
        _options = options ?? new UiLoopOptions();
    }

    public Renderer Renderer { get; }

    /// <summary>Posts an application message from any thread; it reaches the app as an <see cref="AppEvent"/>.</summary>
    public void Post(object message) => _events.Writer.TryWrite(new AppEvent(message));

    /// <summary>Posts any event from any thread.</summary>
    public void PostEvent(TerminalEvent e) => _events.Writer.TryWrite(e);

    /// <summary>Stops the loop after the current batch.</summary>
    public void Quit()
    {
        _quit = true;
        _events.Writer.TryWrite(new AppEvent(QuitSignal.Instance));
    }

    /// <summary>
    /// Takes over the terminal, runs until <see cref="Quit"/> or cancellation, and always gives the
    /// terminal back. Cancellation ends the loop normally rather than throwing.
    /// </summary>
    public async Task RunAsync(IUiApplication app, CancellationToken cancellationToken)
    {
        var time = _options.TimeProvider;
        using var ticker = StartTicker(cancellationToken);
        Renderer.Enter();
        _backend.StartInput(PostEvent);
        try
        {
            Renderer.Draw(app.Render);
            var lastFrame = time.GetTimestamp();
            while (!_quit && await _events.Reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
            {
                Drain(app);
                var wait = _options.MinFrameInterval - time.GetElapsedTime(lastFrame);
                if (wait > TimeSpan.Zero && !_quit)
                {
                    await Task.Delay(wait, time, cancellationToken).ConfigureAwait(false);
                    Drain(app);
                }

                if (_quit)
                {
                    break;
                }

                Renderer.Draw(app.Render);
                lastFrame = time.GetTimestamp();
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Cancellation is the normal way to stop; the terminal is restored below.
        }
        finally
        {
            _backend.StopInput();
            Renderer.Leave();
        }
    }

    private void Drain(IUiApplication app)
    {
        while (!_quit && _events.Reader.TryRead(out var e))
        {
            if (e is AppEvent { Message: QuitSignal })
            {
                continue;
            }

            if (e is ResizeEvent)
            {
                Renderer.Invalidate();
            }

            app.Update(e, this);
        }
    }

    private ITimer? StartTicker(CancellationToken cancellationToken)
    {
        if (_options.TickInterval is not { } interval || interval <= TimeSpan.Zero)
        {
            return null;
        }

        var time = _options.TimeProvider;
        return time.CreateTimer(
            _ =>
            {
                if (!cancellationToken.IsCancellationRequested)
                {
                    PostEvent(new TickEvent(time.GetUtcNow()));
                }
            },
            null,
            interval,
            interval);
    }

    /// <summary>Wakes the reader when <see cref="Quit"/> is called from outside an update.</summary>
    private sealed class QuitSignal
    {
        public static readonly QuitSignal Instance = new();
    }
}
