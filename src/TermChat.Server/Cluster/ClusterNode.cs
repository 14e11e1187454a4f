using Microsoft.Extensions.Logging;
using NATS.Client.Core;
using TermChat.Protocol;

namespace TermChat.Server.Cluster;

/// <summary>
/// What a server holds as a node of a cluster: the link to NATS, the room log and the nick claims on it, and the link's health for
/// <c>/stats</c> and the stats log line (connected, round-trip time, entries waiting to be stored).
/// </summary>
internal sealed class ClusterNode : IAsyncDisposable
{
    // Reading the stream up to its end at startup: generous, since a big cluster's history takes a while to stream.
    private static readonly TimeSpan CatchUpTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan PingInterval = TimeSpan.FromSeconds(2);

    private readonly CancellationTokenSource _stop = new();
    private readonly Task _pinger;
    private long _rttMicros = -1;
    private long _reconnects;

    private ClusterNode(ClusterLink link, JetStreamRoomLog log, ClusterRules rules, ClusterNicks nicks)
    {
        Link = link;
        RoomLog = log;
        Rules = rules;
        Nicks = nicks;
        link.Connection.ConnectionOpened += (_, _) =>
        {
            Interlocked.Increment(ref _reconnects);
            return ValueTask.CompletedTask;
        };
        _pinger = Task.Run(PingAsync);
    }

    /// <summary>Whether the link to NATS is up.</summary>
    public bool IsConnected => Link.IsConnected;

    /// <summary>The last measured round trip to the NATS server, in microseconds; -1 before the first or while down.</summary>
    public long RttMicros => IsConnected ? Interlocked.Read(ref _rttMicros) : -1;

    /// <summary>Times the link came back after being lost.</summary>
    public long Reconnects => Interlocked.Read(ref _reconnects);

    /// <summary>The cluster's figures for the Stats message.</summary>
    public IEnumerable<StatEntry> StatEntries() =>
    [
        new("cluster_connected", IsConnected ? 1 : 0),
        new("cluster_rtt_us", RttMicros),
        new("cluster_pending", RoomLog.PendingCount),
        new("cluster_stream_seq", (long)RoomLog.ConsumedSeq),
        new("cluster_commit_p50_us", RoomLog.CommitTimes.Percentile(0.50)),
        new("cluster_commit_p99_us", RoomLog.CommitTimes.Percentile(0.99)),
        new("cluster_reconnects_total", Reconnects),
        new("cluster_nick_claims", Nicks.ClaimCount),
    ];

    public ClusterLink Link { get; }

    public JetStreamRoomLog RoomLog { get; }

    /// <summary>Nicks and sessions across the cluster.</summary>
    public ClusterNicks Nicks { get; }

    /// <summary>Nick ownership and bans across the cluster.</summary>
    public ClusterRules Rules { get; }

    /// <summary>Connects and opens the room log, waiting at most the connect timeout per URL and the catch-up bound.</summary>
    /// <exception cref="ClusterOpenException">The cluster cannot be joined; the message says why in one line.</exception>
    public static ClusterNode Join(ClusterOptions options, ServerOptions server, ILoggerFactory loggers)
    {
        string where = $"cluster {options.Name} at {string.Join(',', options.Urls)}";
        ClusterLink link;
        try
        {
            var connectBound = options.ConnectTimeout * Math.Max(1, options.Urls.Count) + TimeSpan.FromSeconds(1);
            link = ClusterLink.ConnectAsync(options, CancellationToken.None).WaitAsync(connectBound).GetAwaiter().GetResult();
        }
        catch (Exception e) when (e is NatsException or TimeoutException or IOException or System.Security.Authentication.AuthenticationException)
        {
            throw new ClusterOpenException($"cannot join the {where}: {OneLine(e)}", e);
        }
        var logger = loggers.CreateLogger("TermChat.Server.Cluster");
        link.Connection.ConnectionDisconnected += (_, args) =>
        {
            ClusterLog.Lost(logger, args.Message);
            return ValueTask.CompletedTask;
        };
        link.Connection.ConnectionOpened += (_, _) =>
        {
            ClusterLog.Back(logger);
            return ValueTask.CompletedTask;
        };
        try
        {
            // Ownership, bans and room access are read whole before the rooms and the nicks (and so before any client): a
            // node refuses a takeover, a banned client and a join without a room's key from its first connection.
            var rules = AskAgainWhileSlow(() => ClusterRules.OpenAsync(link, server, logger, CancellationToken.None), logger);
            JetStreamRoomLog? log = null;
            ClusterNicks nicks;
            try
            {
                log = AskAgainWhileSlow(() => JetStreamRoomLog.OpenAsync(link, rules, server, logger, CancellationToken.None), logger);
                nicks = AskAgainWhileSlow(() => ClusterNicks.OpenAsync(link, rules, server, logger, CancellationToken.None), logger);
            }
            catch
            {
                log?.Dispose();
                rules.DisposeAsync().AsTask().GetAwaiter().GetResult();
                throw;
            }
            ClusterLog.Joined(logger, options.Name, link.Connection.ServerInfo?.Host + ":" + link.Connection.ServerInfo?.Port, link.RoomStream, log.RoomCount, log.ConsumedSeq);
            return new ClusterNode(link, log, rules, nicks);
        }
        catch (Exception e) when (e is NatsException or TimeoutException)
        {
            link.DisposeAsync().AsTask().GetAwaiter().GetResult();
            string cause = e is NATS.Client.JetStream.NatsJSApiException { Error.Code: 503 } or NATS.Client.JetStream.NatsJSException
                ? $"{OneLine(e)} (is JetStream enabled there? nats-server -js)"
                : OneLine(e);
            throw new ClusterOpenException($"cannot join the {where}: {cause}", e);
        }
    }

    /// <summary>
    /// Runs one step of joining, asking again while JetStream does not answer its API requests in time (a nats-server
    /// started at the same moment, or a loaded one, answers late rather than never), within the catch-up bound. No
    /// JetStream at all is a 503 answered at once, and still fails at once. The steps create what they need only if it
    /// is missing, so asking again is safe.
    /// </summary>
    private static T AskAgainWhileSlow<T>(Func<Task<T>> step, ILogger logger)
    {
        var deadline = DateTime.UtcNow + CatchUpTimeout;
        while (true)
        {
            try
            {
                return step().WaitAsync(deadline - DateTime.UtcNow).GetAwaiter().GetResult();
            }
            catch (NATS.Client.JetStream.NatsJSApiNoResponseException e) when (DateTime.UtcNow < deadline)
            {
                ClusterLog.JoinSlow(logger, e.Message);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_stop.IsCancellationRequested) return;
        _stop.Cancel();
        await _pinger.ConfigureAwait(false);
        await Nicks.DisposeAsync().ConfigureAwait(false);
        await Rules.DisposeAsync().ConfigureAwait(false);
        RoomLog.Dispose();
        await Link.DisposeAsync().ConfigureAwait(false);
    }

    /// <summary>Measures the round trip every couple of seconds (a NATS PING), so that reading it never waits.</summary>
    private async Task PingAsync()
    {
        using var timer = new PeriodicTimer(PingInterval);
        do
        {
            if (!IsConnected) continue;
            try
            {
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
                timeout.CancelAfter(PingInterval);
                var rtt = await Link.Connection.PingAsync(timeout.Token).ConfigureAwait(false);
                Interlocked.Exchange(ref _rttMicros, (long)rtt.TotalMicroseconds);
            }
            catch (Exception e) when (e is NatsException or OperationCanceledException or TimeoutException)
            {
                // Lost on the way: the link's own state says whether it is down; the next ping measures again.
            }
        }
        while (await WaitAsync(timer).ConfigureAwait(false));
    }

    private async Task<bool> WaitAsync(PeriodicTimer timer)
    {
        try
        {
            return await timer.WaitForNextTickAsync(_stop.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    private static string OneLine(Exception e) => e.Message.ReplaceLineEndings(" ").TrimEnd('.');
}
