using System.Diagnostics;
using System.Net;
using TermChat.LoadGen.Metrics;
using TermChat.LoadGen.Reporting;
using TermChat.LoadGen.Scenarios;

namespace TermChat.LoadGen.Udp;

/// <summary>
/// The connections scenario over reliable UDP: ramps to N idle sessions, each opened the way a client opens one (over
/// DTLS: the DTLS handshake first; then the datagram layer's cookie handshake and Hello/Welcome), and reads the
/// server's memory and CPU time before and after. The ramp time per session is the handshake cost of a new UDP
/// connection, plaintext or encrypted.
/// </summary>
public sealed class UdpConnectionsScenario
{
    /// <summary>
    /// Sessions opened at once: the server runs at most 8 DTLS handshakes per address (ServerDtls) and drops further
    /// ClientHellos until one ends, so more would measure its resend timers, not its handshakes. Plaintext uses the
    /// same number, so the two are compared alike.
    /// </summary>
    public const int Parallelism = 8;

    private static readonly TimeSpan WelcomeTimeout = TimeSpan.FromSeconds(20);

    private readonly EndPoint _endpoint;
    private readonly int _count;
    private readonly int _serverPid;
    private readonly TimeSpan _settle;
    private readonly bool _progress;
    private readonly bool _dtls;

    /// <summary>Creates the scenario; with <paramref name="dtls"/> every session runs inside DTLS.</summary>
    public UdpConnectionsScenario(EndPoint endpoint, int count, int serverPid, TimeSpan settle, bool progress, bool dtls)
    {
        _endpoint = endpoint;
        _count = count;
        _serverPid = serverPid;
        _settle = settle;
        _progress = progress;
        _dtls = dtls;
    }

    /// <summary>The target name the result carries.</summary>
    public string TargetName => _dtls ? "termchat-udp-dtls" : "termchat-udp";

    /// <summary>Opens the sessions, measures, closes them.</summary>
    public async Task<ConnectionsResult> RunAsync(CancellationToken cancellationToken)
    {
        await IdleWait.UntilIdleAsync(_serverPid, 0.1, TimeSpan.FromSeconds(30), cancellationToken).ConfigureAwait(false);
        long before = ProcessProbe.TryReadRssBytes(_serverPid)
            ?? throw new InvalidOperationException($"Cannot read /proc/{_serverPid}/status: is --server-pid the server's process id?");
        double? cpuBefore = ProcessProbe.TryReadCpuSeconds(_serverPid);
        var names = new ClientNames();
        var clients = new UdpBenchClient?[_count];
        int established = 0;
        int failed = 0;
        string? firstError = null;
        // As the TCP scenario: a server that stops answering is not waited out once per remaining session.
        int giveUpAfter = Math.Max(50, _count / 100);
        var started = Stopwatch.GetTimestamp();
        double rampSeconds;
        using (ProgressLine.ForStderr(_progress, () => $"connections {TargetName}: {Volatile.Read(ref established):N0}/{_count:N0} welcomed"))
        {
            await ConnectWorkers.RunAsync(_count, Parallelism, i =>
            {
                var client = new UdpBenchClient(_endpoint, names.For('i', i), new Receiver(long.MaxValue, count: false), _dtls) { Idle = true };
                clients[i] = client;
                try
                {
                    client.Start();
                    if (client.WaitWelcomed(WelcomeTimeout))
                    {
                        Interlocked.Increment(ref established);
                        return;
                    }
                    Interlocked.CompareExchange(ref firstError, client.Failure ?? $"no Welcome within {WelcomeTimeout.TotalSeconds:0} s", null);
                }
                catch (Exception exception) when (exception is not OperationCanceledException)
                {
                    // The DTLS handshake failed (BouncyCastle's TlsTimeoutException, a socket error).
                    Interlocked.CompareExchange(ref firstError, exception.Message, null);
                }
                Interlocked.Increment(ref failed);
            }, stop: () => Volatile.Read(ref failed) >= giveUpAfter || cancellationToken.IsCancellationRequested).WaitAsync(cancellationToken).ConfigureAwait(false);
            if (failed >= giveUpAfter) firstError = $"stopped after {failed} failed sessions; first: {firstError}";
            rampSeconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
            await Task.Delay(_settle, cancellationToken).ConfigureAwait(false);
        }
        long after = ProcessProbe.TryReadRssBytes(_serverPid) ?? before;
        double? cpuAfter = ProcessProbe.TryReadCpuSeconds(_serverPid);
        // Still open at the end: a server that dropped idle sessions must not get credit for their memory.
        int alive = clients.Count(c => c is { Welcomed: true, Failure: null });
        foreach (var client in clients) client?.Dispose();
        return new ConnectionsResult(TargetName, _count, established, alive, rampSeconds, before, after,
            alive > 0 ? (after - before) / (double)alive : 0, firstError)
        {
            ServerCpuSeconds = cpuBefore is double b && cpuAfter is double a ? a - b : null,
        };
    }
}
