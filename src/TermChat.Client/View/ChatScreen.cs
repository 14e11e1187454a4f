using TermChat.Client.App;
using TermChat.Client.Session;
using TermChat.Client.Transports;
using TermChat.Tui.Backends;
using TermChat.Tui.Loop;
using TermChat.Tui.Rendering;

namespace TermChat.Client.LegacyView;

/// <summary>
/// Runs the full-screen client: connects first (so an unreachable server is a one-line message on the
/// normal screen, never a half-drawn alternate screen), then takes over the terminal with a
/// <see cref="ChatView"/> until /quit, Ctrl+C or cancellation (SIGINT/SIGTERM through the CLI), and always
/// gives the terminal back before returning or throwing.
/// </summary>
public static class ChatScreen
{
    // Session events waiting for the UI loop; past this the pump stops reading and the session stops reading the server.
    private const int EventCredits = 512;

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
            Nick = options.Nick,
            Transport = options.Transport,
            TimeProvider = options.TimeProvider,
        }, options.Transports);
        var app = new ChatApp(session, new ChatAppOptions { TimeProvider = options.TimeProvider, Transports = [.. options.Transports.Names], ScrollbackLines = options.ScrollbackLines });
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

        var ownBackend = options.Backend is null ? new AnsiTerminalBackend() : null;
        try
        {
            var backend = options.Backend ?? ownBackend!;
            var loop = new UiLoop(backend, new Renderer(backend), new UiLoopOptions
            {
                // Ticks keep the reconnect countdown in the status bar moving.
                TickInterval = TimeSpan.FromSeconds(1),
                MinFrameInterval = options.MinFrameInterval,
                TimeProvider = options.TimeProvider,
            });
            using var credits = new SemaphoreSlim(EventCredits, int.MaxValue);
            var view = new ChatView(app, new ChatViewOptions
            {
                Greeting = options.Greeting,
                TimeProvider = options.TimeProvider,
                TimeZone = options.TimeZone,
            }, cancellationToken)
            {
                SessionEventApplied = () => credits.Release(),
            };
            // Changes made outside the loop (a failed transport switch, say) need a frame of their own.
            app.Changed += () =>
            {
                if (!view.IsUpdating)
                {
                    loop.Post(RedrawRequest.Instance);
                }
            };
            using var stopPump = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var pump = PumpEventsAsync(session, loop, credits, stopPump.Token);

            if (options.Room is { Length: > 0 } room)
            {
                await app.SubmitAsync("/join " + room, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                view.ShowGreeting();
            }
            await loop.RunAsync(view, cancellationToken).ConfigureAwait(false);
            // The terminal is back to normal here.
            if (!view.QuitSent)
            {
                using var grace = new CancellationTokenSource(options.QuitTimeout);
                try
                {
                    await view.PendingSubmits.WaitAsync(grace.Token).ConfigureAwait(false);
                    await session.QuitAsync(cancellationToken.IsCancellationRequested ? "interrupted" : "leaving", grace.Token).ConfigureAwait(false);
                }
#pragma warning disable CA1031 // Leaving anyway: a failed goodbye must not turn a clean exit into a crash; the server notices the closed connection.
                catch (Exception)
#pragma warning restore CA1031
                {
                }
            }
            await stopPump.CancelAsync().ConfigureAwait(false);
            await pump.ConfigureAwait(false);
            if (view.LastState is Disconnected { Reason: not "you quit" } lost && !view.QuitRequested && !cancellationToken.IsCancellationRequested)
            {
                // The loop ended because the session did: say why on the normal screen.
                await options.Error.WriteLineAsync($"termchat: {lost.Describe()}").ConfigureAwait(false);
                return ExitConnectionFailed;
            }
            return cancellationToken.IsCancellationRequested && !view.QuitRequested ? ExitInterrupted : ExitOk;
        }
        finally
        {
            ownBackend?.Dispose();
        }
    }

    // Hands session events to the loop, at most EventCredits ahead of it (backpressure).
    private static Task PumpEventsAsync(ClientSession session, UiLoop loop, SemaphoreSlim credits, CancellationToken cancellationToken) => Task.Run(async () =>
    {
        try
        {
            await foreach (var item in session.Events.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                await credits.WaitAsync(cancellationToken).ConfigureAwait(false);
                loop.Post(item);
            }
            loop.Post(SessionEnded.Instance);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }, CancellationToken.None);
}
