using TermChat.Client.App;
using TermChat.Client.Session;
using TermChat.Client.Transports;
using TermChat.Tui.Backends;
using TermChat.Tui.Loop;
using TermChat.Tui.Rendering;

namespace TermChat.Client.View;

/// <summary>
/// The full-screen client: connects first (so a failure is one clear line on a normal terminal),
/// then takes over the screen until /quit, Ctrl+C or a session that ends for good.
/// </summary>
public static class FullScreenClient
{
    // Session events waiting for the UI thread; past this the session stops reading the server.
    private const int EventCredits = 512;

    /// <summary>Runs the client.</summary>
    /// <returns>0 after /quit or Ctrl+C, 1 when the connection failed or was lost for good.</returns>
    public static async Task<int> RunAsync(FullScreenOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        await using var session = new ClientSession(new ClientSessionOptions
        {
            Endpoint = options.Endpoint,
            Nick = options.Nick,
            Transport = options.Transport,
        }, options.Transports);
        var app = new ChatApp(session);
        try
        {
            await session.ConnectAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is ChatConnectException or ChatSessionException)
        {
            await options.Error.WriteLineAsync($"termchat: {e.Message}").ConfigureAwait(false);
            return 1;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return 130;
        }

        AnsiTerminalBackend? owned = options.Backend is null ? new AnsiTerminalBackend() : null;
        var backend = options.Backend ?? owned!;
        try
        {
            var loop = new UiLoop(backend, new Renderer(backend, RendererOptions.FromEnvironment()),
                new UiLoopOptions { MinFrameInterval = options.MinFrameInterval, TickInterval = TimeSpan.FromSeconds(1) });
            using var credits = new SemaphoreSlim(EventCredits, int.MaxValue);
            // A mention rings the terminal bell (most terminals turn it into an urgency hint).
            Action? bell = owned is null ? null : () =>
            {
                owned.Write("\a");
                owned.Flush();
            };
            var view = new ChatView(app, credits, bell, cancellationToken);
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var forward = ForwardAsync(session, loop, credits, stop.Token);
            if (options.Room is { Length: > 0 } room)
            {
                _ = app.SubmitAsync("/join " + room, cancellationToken);
            }
            await loop.RunAsync(view, cancellationToken).ConfigureAwait(false);
            await stop.CancelAsync().ConfigureAwait(false);
            if (!view.UserQuit)
            {
                using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                try
                {
                    await session.QuitAsync("leaving", grace.Token).ConfigureAwait(false);
                }
                catch (Exception e) when (e is OperationCanceledException or ChatLinkException)
                {
                }
            }
            await forward.ConfigureAwait(false);
            if (view.LastState is Disconnected { Reason: not "you quit" } lost && !view.UserQuit && !cancellationToken.IsCancellationRequested)
            {
                await options.Error.WriteLineAsync($"termchat: {lost.Describe()}").ConfigureAwait(false);
                return 1;
            }
            return 0;
        }
        finally
        {
            owned?.Dispose();
        }
    }

    // Hands session events to the UI thread, at most EventCredits ahead of it (backpressure).
    private static async Task ForwardAsync(ClientSession session, UiLoop loop, SemaphoreSlim credits, CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var item in session.Events.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                await credits.WaitAsync(cancellationToken).ConfigureAwait(false);
                loop.Post(item);
            }
            loop.Post(new ChatView.SessionEnded());
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }
}
