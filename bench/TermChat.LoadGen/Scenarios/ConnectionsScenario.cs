using System.Diagnostics;
using System.Net;
using TermChat.LoadGen.Metrics;
using TermChat.LoadGen.Net;
using TermChat.LoadGen.Reporting;
using TermChat.LoadGen.Targets;

namespace TermChat.LoadGen.Scenarios;

/// <summary>
/// Ramps to N registered, idle connections and reads the server's resident memory before and after
/// from <c>/proc/PID/status</c>; the difference divided by N is the memory one idle client costs.
/// </summary>
public sealed class ConnectionsScenario
{
    private readonly BenchTarget _target;
    private readonly EndPoint _endpoint;
    private readonly int _count;
    private readonly int _serverPid;
    private readonly TimeSpan _settle;
    private readonly bool _progress;

    /// <summary>Creates the scenario.</summary>
    public ConnectionsScenario(BenchTarget target, EndPoint endpoint, int count, int serverPid, TimeSpan settle, bool progress)
    {
        _target = target;
        _endpoint = endpoint;
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
        var connections = new BenchConnection?[_count];
        int established = 0;
        string? firstError = null;
        var started = Stopwatch.GetTimestamp();
        double rampSeconds;
        int failed = 0;
        // A server at its own connection limit often stops answering rather than refusing; after this many
        // failures the ramp stops instead of waiting out a handshake timeout for every remaining client.
        int giveUpAfter = Math.Max(50, _count / 100);
        using (ProgressLine.ForStderr(_progress, () => $"connections {_target.Name}: {Volatile.Read(ref established):N0}/{_count:N0} connected"))
        {
            await ConnectWorkers.RunAsync(_count, Math.Min(64, _target.MaxConcurrentConnects), i =>
            {
                try
                {
                    connections[i] = _target.Connect(_endpoint, names.For('i', i), ConnectRole.Idle, cancellationToken);
                    Interlocked.Increment(ref established);
                }
                catch (Exception exception) when (exception is not OperationCanceledException)
                {
                    Interlocked.CompareExchange(ref firstError, exception.Message, null);
                    Interlocked.Increment(ref failed);
                }
            }, stop: () => Volatile.Read(ref failed) >= giveUpAfter || cancellationToken.IsCancellationRequested).WaitAsync(cancellationToken).ConfigureAwait(false);
            if (failed >= giveUpAfter) firstError = $"stopped after {failed} failed connections; first: {firstError}";
            rampSeconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
            // Give the server time to finish its per-connection work (registration, buffers settling).
            await Task.Delay(_settle, cancellationToken).ConfigureAwait(false);
        }
        long after = ProcessProbe.TryReadRssBytes(_serverPid) ?? before;
        double? cpuAfter = ProcessProbe.TryReadCpuSeconds(_serverPid);
        // Still open at the end? A server that dropped idle clients must not get credit for their memory.
        int alive = connections.Count(c => c is not null && IsOpen(c));
        foreach (var connection in connections) connection?.Dispose();
        return new ConnectionsResult(_target.Name, _count, established, alive, rampSeconds, before, after,
            alive > 0 ? (after - before) / (double)alive : 0, firstError)
        {
            ServerCpuSeconds = cpuBefore is double b && cpuAfter is double a ? a - b : null,
        };
    }

    private static bool IsOpen(BenchConnection connection)
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
