using System.Threading.Channels;
using TermChat.Client.App;
using TermChat.Client.Session;
using TermChat.Client.Transports;

namespace TermChat.Client.Plain;

/// <summary>
/// The client for scripts and pipes: each input line is a message or a /command, each event one
/// output line (or one JSON object). End of input quits once the server has acknowledged everything
/// sent. Output goes through a bounded queue: when it fills, the client stops reading the server.
/// </summary>
public static class PlainMode
{
    /// <summary>Exit code for /quit or end of input.</summary>
    public const int ExitOk = 0;

    /// <summary>Exit code when the connection failed or was lost for good.</summary>
    public const int ExitConnectionFailed = 1;

    /// <summary>Exit code when interrupted (Ctrl+C).</summary>
    public const int ExitInterrupted = 130;

    /// <summary>Runs plain mode until /quit, end of input, a lost connection or cancellation.</summary>
    /// <returns>The process exit code.</returns>
    public static async Task<int> RunAsync(PlainModeOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        var formatter = new PlainFormatter(options.Json, options.TimeZone);
        var output = Channel.CreateBounded<(bool Error, string Line)>(new BoundedChannelOptions(options.OutputCapacity) { SingleReader = true });
        var writerTask = Task.Run(() => WriteOutputAsync(output.Reader, options), CancellationToken.None);

        await using var session = new ClientSession(new ClientSessionOptions
        {
            Endpoint = options.Endpoint,
            OtherEndpoints = options.OtherEndpoints,
            Nick = options.Nick,
            Transport = options.Transport,
            TimeProvider = options.TimeProvider,
            MaxReconnectAttempts = options.MaxReconnectAttempts,
        }, options.Transports);
        var app = new ChatApp(session, new ChatAppOptions { TimeProvider = options.TimeProvider });

        async ValueTask Emit(IReadOnlyList<ChatEntry> entries)
        {
            foreach (var entry in entries)
            {
                await output.Writer.WriteAsync((formatter.IsError(entry), formatter.Format(entry)), CancellationToken.None).ConfigureAwait(false);
            }
        }

        try
        {
            try
            {
                await session.ConnectAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is ChatConnectException or ChatSessionException)
            {
                await FailAsync(options, formatter, output.Writer, e.Message).ConfigureAwait(false);
                return ExitConnectionFailed;
            }

            var joinWait = new JoinWait();
            Disconnected? lost = null;
            var events = Task.Run(async () =>
            {
                await foreach (var item in session.Events.ReadAllAsync(CancellationToken.None).ConfigureAwait(false))
                {
                    var entries = app.Apply(item);
                    await Emit(entries).ConfigureAwait(false);
                    if (item is ConnectionStateEvent { State: Disconnected d })
                    {
                        lost = d;
                    }
                    joinWait.Observe(app, entries);
                }
                joinWait.End();
            }, CancellationToken.None);

            // Until the first room is joined, typed lines would have nowhere to go: wait for it.
            if (options.Room is { Length: > 0 } room)
            {
                await SubmitAsync(app, joinWait, "/join " + room, Emit, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                // The server puts a new session in its lobby; don't hang if this one does not.
                await Task.WhenAny(joinWait.ForAsync(null, joinWait.Mark, app), Task.Delay(TimeSpan.FromSeconds(5), options.TimeProvider, cancellationToken)).ConfigureAwait(false);
                cancellationToken.ThrowIfCancellationRequested();
            }

            int code = await PumpInputAsync(options, app, session, joinWait, Emit, cancellationToken).ConfigureAwait(false);
            await events.ConfigureAwait(false);
            if (lost is { } disconnected && disconnected.Reason != "you quit" && code != ExitOk)
            {
                await output.Writer.WriteAsync((true, $"termchat: {disconnected.Describe()}"), CancellationToken.None).ConfigureAwait(false);
            }
            return code;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            try
            {
                await session.QuitAsync("interrupted", grace.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is OperationCanceledException or ChatLinkException)
            {
            }
            return ExitInterrupted;
        }
        finally
        {
            output.Writer.TryComplete();
            await writerTask.ConfigureAwait(false);
        }
    }

    // Submits one line; after a /join, returns only once the server has answered it (see JoinWait).
    private static async Task<SubmitResult> SubmitAsync(ChatApp app, JoinWait joinWait, string line, Func<IReadOnlyList<ChatEntry>, ValueTask> emit, CancellationToken cancellationToken)
    {
        long mark = joinWait.Mark;
        var result = await app.SubmitAsync(line, cancellationToken).ConfigureAwait(false);
        await emit(result.Entries).ConfigureAwait(false);
        if (result.Joining is { } room)
        {
            await joinWait.ForAsync(room, mark, app).WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        return result;
    }

    private static async Task<int> PumpInputAsync(
        PlainModeOptions options, ChatApp app, ClientSession session, JoinWait joinWait, Func<IReadOnlyList<ChatEntry>, ValueTask> emit, CancellationToken cancellationToken)
    {
        var sessionEnded = session.Events.Completion;
        while (true)
        {
            // Reading the terminal cannot always be cancelled, so stop waiting for it on Ctrl+C or a dead session.
            var read = options.Input.ReadLineAsync(cancellationToken).AsTask();
            var first = await Task.WhenAny(read, sessionEnded).WaitAsync(cancellationToken).ConfigureAwait(false);
            if (first != read)
            {
                return ExitConnectionFailed;
            }
            string? line = await read.ConfigureAwait(false);
            if (line is null)
            {
                break;
            }
            if (line.Trim().Length == 0)
            {
                continue;
            }
            SubmitResult result;
            try
            {
                result = await SubmitAsync(app, joinWait, line, emit, cancellationToken).ConfigureAwait(false);
            }
            catch (ChatLinkException)
            {
                return ExitConnectionFailed;
            }
            if (result.Quit)
            {
                return ExitOk;
            }
        }

        // End of input: the server handles a connection's frames in order, so once it answers this
        // barrier it has handled every line above, and their echoes are already in the event queue.
        try
        {
            await session.FlushAsync(cancellationToken).ConfigureAwait(false);
            await session.QuitAsync("end of input", cancellationToken).ConfigureAwait(false);
            return ExitOk;
        }
        catch (ChatLinkException)
        {
            return ExitConnectionFailed;
        }
    }

    private static async Task FailAsync(PlainModeOptions options, PlainFormatter formatter, ChannelWriter<(bool, string)> output, string message)
    {
        if (options.Json)
        {
            var entry = new ChatEntry(0, EntryKind.Error, options.TimeProvider.GetUtcNow(), null, null, message);
            await output.WriteAsync((false, formatter.Format(entry))).ConfigureAwait(false);
        }
        await output.WriteAsync((true, $"termchat: {message}")).ConfigureAwait(false);
    }

    private static async Task WriteOutputAsync(ChannelReader<(bool Error, string Line)> lines, PlainModeOptions options)
    {
        try
        {
            while (await lines.WaitToReadAsync().ConfigureAwait(false))
            {
                while (lines.TryRead(out var item))
                {
                    var target = item.Error ? options.Error : options.Output;
                    await target.WriteLineAsync(item.Line).ConfigureAwait(false);
                }
                // Flush only when the queue runs dry: many lines, one write.
                await options.Output.FlushAsync().ConfigureAwait(false);
                await options.Error.FlushAsync().ConfigureAwait(false);
            }
        }
        catch (IOException)
        {
            // stdout closed (e.g. `| head`): drain so producers never block on a reader that is gone.
            while (await lines.WaitToReadAsync().ConfigureAwait(false))
            {
                while (lines.TryRead(out _))
                {
                }
            }
        }
    }
}
