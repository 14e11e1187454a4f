using TermChat.Client.App;
using TermChat.Client.Session;
using TermChat.Client.Transports;
using Terminal.Gui.App;

namespace TermChat.Client.Views;

/// <summary>
/// Runs the full-screen client: connects first (so an unreachable server is a one-line message on the normal
/// screen, never a half-drawn alternate screen), then runs a <see cref="ChatWindow"/> on a Terminal.Gui
/// application until /quit, Ctrl+C or cancellation (SIGINT/SIGTERM through the CLI). Disposing the application
/// gives the terminal back, on every way out including exceptions.
/// </summary>
public static class ChatScreen
{
    /// <summary>Main-loop iterations (at most one frame each) per second.</summary>
    public const ushort FramesPerSecond = 60;

    /// <summary>Exit code for /quit or Ctrl+C.</summary>
    public const int ExitOk = 0;

    /// <summary>Exit code when the first connection failed, or the session was lost for good.</summary>
    public const int ExitConnectionFailed = 1;

    /// <summary>Exit code when cancelled from outside (SIGINT/SIGTERM).</summary>
    public const int ExitInterrupted = 130;

    /// <summary>Runs the client until the user quits or <paramref name="cancellationToken"/> is cancelled.</summary>
    /// <returns>The process exit code.</returns>
    public static async Task<int> RunAsync(ChatScreenOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        await using var session = new ClientSession(new ClientSessionOptions
        {
            Endpoint = options.Endpoint,
            OtherEndpoints = options.OtherEndpoints,
            Nick = options.Nick,
            Transport = options.Transport,
            TimeProvider = options.TimeProvider,
        }, options.Transports);
        var app = new ChatApp(session, new ChatAppOptions
        {
            TimeProvider = options.TimeProvider,
            Transports = [.. options.Transports.Names],
            ScrollbackLines = options.ScrollbackLines,
        });
        try
        {
            await session.ConnectAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is ChatConnectException or ChatSessionException)
        {
            await options.Error.WriteLineAsync($"termchat: {e.Message}").ConfigureAwait(false);
            return ExitConnectionFailed;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return ExitInterrupted;
        }

        Themes.Apply(options.Theme);
        if (options.Room is { Length: > 0 } room)
        {
            // Its replies wait in the session's event queue until the window is up.
            await app.SubmitAsync("/join " + room, cancellationToken).ConfigureAwait(false);
        }
        // Terminal.Gui's loop blocks its thread between iterations; a thread of its own keeps that wait (60 times a
        // second) off the thread pool, whose workers would otherwise spin on every wake-up.
        var done = new TaskCompletionSource<ChatWindow>(TaskCreationOptions.RunContinuationsAsynchronously);
        var thread = new Thread(() =>
        {
            try
            {
                done.SetResult(RunWindow(options, session, app, cancellationToken));
            }
#pragma warning disable CA1031 // Rethrown on the caller's side by the task.
            catch (Exception e)
#pragma warning restore CA1031
            {
                done.SetException(e);
            }
        })
        {
            Name = "termchat-ui",
        };
        thread.Start();
        var window = await done.Task.ConfigureAwait(false);
        // The terminal is back to normal here.
        if (!window.QuitSent)
        {
            using var grace = new CancellationTokenSource(options.QuitTimeout);
            try
            {
                await window.PendingSubmits.WaitAsync(grace.Token).ConfigureAwait(false);
                await session.QuitAsync(cancellationToken.IsCancellationRequested ? "interrupted" : "leaving", grace.Token).ConfigureAwait(false);
            }
#pragma warning disable CA1031 // Leaving anyway: a failed goodbye must not turn a clean exit into a crash; the server notices the closed connection.
            catch (Exception)
#pragma warning restore CA1031
            {
            }
        }
        if (window.LastState is Disconnected { Reason: not "you quit" } lost && !window.QuitRequested && !cancellationToken.IsCancellationRequested)
        {
            // The window closed because the session did: say why on the normal screen.
            await options.Error.WriteLineAsync($"termchat: {lost.Describe()}").ConfigureAwait(false);
            return ExitConnectionFailed;
        }
        return cancellationToken.IsCancellationRequested && !window.QuitRequested ? ExitInterrupted : ExitOk;
    }

    // Runs the window on the calling thread (the UI thread) until it closes; the terminal is restored on return.
    private static ChatWindow RunWindow(ChatScreenOptions options, ClientSession session, ChatApp app, CancellationToken cancellationToken)
    {
        using var gui = Application.Create();
        gui.Init();
        // Terminal.Gui's loop waits out the rest of each iteration; at its default of 25 a key could wait 40 ms
        // before it is even read. 60 keeps key echo within a frame, as the old toolkit's 16 ms frame interval did.
        Application.MaximumIterationsPerSecond = FramesPerSecond;
        var ui = new UiPost(gui);
        var window = new ChatWindow(app, new ChatWindowOptions
        {
            Greeting = options.Greeting,
            TimeProvider = options.TimeProvider,
            TimeZone = options.TimeZone,
        }, cancellationToken)
        {
            Bell = () => gui.Driver?.WriteRaw("\a"),
            Post = ui.Post,
        };
        // Changes made off the UI thread (a failed transport switch, say) need a redraw of their own; changes
        // made on it are drawn by the iteration that made them.
        app.Changed += () =>
        {
            if (gui.MainThreadId != Environment.CurrentManagedThreadId)
            {
                ui.Post(window.Refresh);
            }
        };
        var events = new EventDrain(session.Events, window);
        gui.Iteration += events.OnIteration;
        // The reconnect countdown in the status line moves once a second.
        gui.AddTimeout(TimeSpan.FromSeconds(1), () =>
        {
            if (app.Status.State is Reconnecting)
            {
                window.Refresh();
            }
            return true;
        });
        using var stopOnCancel = cancellationToken.Register(() => ui.Post(window.RequestStop));
        if (options.Room is not { Length: > 0 })
        {
            window.ShowGreeting();
        }
        try
        {
            options.Started?.Invoke(gui);
            if (!cancellationToken.IsCancellationRequested)
            {
                gui.Run(window);
            }
        }
        finally
        {
            // Nothing may reach the application once it is shutting down: a late redraw would land on the
            // normal screen after the alternate one is gone.
            ui.Close();
            gui.Iteration -= events.OnIteration;
            window.Dispose();
            // Blank the alternate screen before leaving it: after a resize, tmux (and some terminals) carry its
            // rows over to the normal screen when it is switched off.
            gui.Driver?.ClearContents();
            gui.Driver?.Refresh();
        }
        return window;
    }
}
