using System.Diagnostics;
using System.Net;
using TermChat.LoadGen.Metrics;
using TermChat.LoadGen.Net;
using TermChat.LoadGen.Reporting;
using TermChat.LoadGen.Targets;

namespace TermChat.LoadGen.Scenarios;

/// <summary>
/// Ramps to N registered, idle connections and reads the server's resident memory before and after
/// from <c>/proc/PID/status</c>; the difference divided by N is the memory one idle client costs. The same ramp serves
/// every transport (<see cref="IdleTransport"/>): TCP targets, and reliable UDP, where the ramp time per session is the
/// handshake cost of a new UDP connection.
/// </summary>
public sealed class ConnectionsScenario
{
    private readonly IdleTransport _transport;
    private readonly int _count;
    private readonly int _serverPid;
    private readonly TimeSpan _settle;
    private readonly bool _progress;

    /// <summary>Creates the scenario for a TCP target.</summary>
    public ConnectionsScenario(BenchTarget target, EndPoint endpoint, int count, int serverPid, TimeSpan settle, bool progress)
        : this(new IdleTransport(target.Name, Math.Min(64, target.MaxConcurrentConnects), "connections", "connected",
            (nick, cancellationToken) => new TcpSession(target.Connect(endpoint, nick, ConnectRole.Idle, cancellationToken))), count, serverPid, settle, progress)
    {
    }

    /// <summary>Creates the scenario for any transport.</summary>
    public ConnectionsScenario(IdleTransport transport, int count, int serverPid, TimeSpan settle, bool progress)
    {
        _transport = transport;
        _count = count;
        _serverPid = serverPid;
        _settle = settle;
        _progress = progress;
    }

    /// <summary>Connects, measures, disconnects.</summary>
    public async Task<ConnectionsResult> RunAsync(CancellationToken cancellationToken)
    {
        await IdleWait.UntilIdleAsync(_serverPid, 0.1, TimeSpan.FromSeconds(30), cancellationToken).ConfigureAwait(false);
        long before = ProcessProbe.TryReadRssBytes(_serverPid)
            ?? throw new InvalidOperationException($"Cannot read /proc/{_serverPid}/status: is --server-pid the server's process id?");
        double? cpuBefore = ProcessProbe.TryReadCpuSeconds(_serverPid);
        var names = new ClientNames();
        var sessions = new IIdleSession?[_count];
        int established = 0;
        string? firstError = null;
        var started = Stopwatch.GetTimestamp();
        double rampSeconds;
        int failed = 0;
        // A server at its own connection limit often stops answering rather than refusing; after this many
        // failures the ramp stops instead of waiting out a handshake timeout for every remaining client.
        int giveUpAfter = Math.Max(50, _count / 100);
        using (ProgressLine.ForStderr(_progress, () => $"connections {_transport.Target}: {Volatile.Read(ref established):N0}/{_count:N0} {_transport.OpenedWord}"))
        {
            await ConnectWorkers.RunAsync(_count, _transport.Parallelism, i =>
            {
                try
                {
                    var session = _transport.Create(names.For('i', i), cancellationToken);
                    sessions[i] = session;
                    if (session.Open() is not { } failure)
                    {
                        Interlocked.Increment(ref established);
                        return;
                    }
                    Interlocked.CompareExchange(ref firstError, failure, null);
                }
                catch (Exception exception) when (exception is not OperationCanceledException)
                {
                    Interlocked.CompareExchange(ref firstError, exception.Message, null);
                }
                Interlocked.Increment(ref failed);
            }, stop: () => Volatile.Read(ref failed) >= giveUpAfter || cancellationToken.IsCancellationRequested).WaitAsync(cancellationToken).ConfigureAwait(false);
            if (failed >= giveUpAfter) firstError = $"stopped after {failed} failed {_transport.Unit}; first: {firstError}";
            rampSeconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
            // Give the server time to finish its per-connection work (registration, buffers settling).
            await Task.Delay(_settle, cancellationToken).ConfigureAwait(false);
        }
        long after = ProcessProbe.TryReadRssBytes(_serverPid) ?? before;
        double? cpuAfter = ProcessProbe.TryReadCpuSeconds(_serverPid);
        // Still open at the end? A server that dropped idle clients must not get credit for their memory.
        int alive = sessions.Count(s => s is { IsOpen: true });
        foreach (var session in sessions) session?.Dispose();
        return new ConnectionsResult(_transport.Target, _count, established, alive, rampSeconds, before, after,
            alive > 0 ? (after - before) / (double)alive : 0, firstError)
        {
            ServerCpuSeconds = cpuBefore is double b && cpuAfter is double a ? a - b : null,
        };
    }

    /// <summary>A TCP target's idle client: connected and registered by <see cref="BenchTarget.Connect"/> already.</summary>
    private sealed class TcpSession(BenchConnection connection) : IIdleSession
    {
        public bool IsOpen
        {
            get
            {
                try
                {
                    // Readable with nothing to read means the peer closed.
                    bool readable = connection.Socket.Poll(0, System.Net.Sockets.SelectMode.SelectRead);
                    return !readable || connection.Socket.Available > 0;
                }
                catch (System.Net.Sockets.SocketException)
                {
                    return false;
                }
            }
        }

        public string? Open() => null;

        public void Dispose() => connection.Dispose();
    }
}
