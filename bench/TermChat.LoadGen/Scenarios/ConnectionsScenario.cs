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
        long before = ProcessProbe.TryReadRssBytes(_serverPid)
            ?? throw new InvalidOperationException($"Cannot read /proc/{_serverPid}/status: is --server-pid the server's process id?");
        var names = new ClientNames();
        var connections = new BenchConnection?[_count];
        int established = 0;
        string? firstError = null;
        var started = Stopwatch.GetTimestamp();
        double rampSeconds;
        using (ProgressLine.ForStderr(_progress, () => $"connections {_target.Name}: {Volatile.Read(ref established):N0}/{_count:N0} connected"))
        {
            using var gate = new SemaphoreSlim(Math.Min(64, _target.MaxConcurrentConnects));
            var tasks = Enumerable.Range(0, _count).Select(async i =>
            {
                await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
                try
                {
                    connections[i] = await _target.ConnectAsync(_endpoint, names.For('i', i), ConnectRole.Idle, cancellationToken).ConfigureAwait(false);
                    Interlocked.Increment(ref established);
                }
                catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
                {
                    Interlocked.CompareExchange(ref firstError, exception.Message, null);
                }
                finally
                {
                    gate.Release();
                }
            });
            await Task.WhenAll(tasks).ConfigureAwait(false);
            rampSeconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
            // Give the server time to finish its per-connection work (registration, buffers settling).
            await Task.Delay(_settle, cancellationToken).ConfigureAwait(false);
        }
        long after = ProcessProbe.TryReadRssBytes(_serverPid) ?? before;
        // Still open at the end? A server that dropped idle clients must not get credit for their memory.
        int alive = connections.Count(c => c is not null && IsOpen(c));
        foreach (var connection in connections) connection?.Dispose();
        return new ConnectionsResult(_target.Name, _count, established, alive, rampSeconds, before, after,
            alive > 0 ? (after - before) / (double)alive : 0, firstError);
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
