using System.Net;

namespace TermChat.LoadGen.Scenarios;

/// <summary>Entry points of the reliable-UDP scenarios (the client is built on the protocol library's datagram layer).</summary>
public static class UdpBench
{
    /// <summary>Runs one open-loop UDP run: one publisher, <paramref name="subscribers"/> subscribers; over DTLS with <paramref name="dtls"/>.</summary>
    public static Task<UdpResult> RunAsync(EndPoint endpoint, int subscribers, double rate, TimeSpan duration, TimeSpan warmup, int textBytes, int? serverPid, bool progress, CancellationToken cancellationToken, bool dtls = false) =>
        new Udp.UdpScenario(endpoint, subscribers, rate, duration, warmup, textBytes, serverPid, progress, dtls).RunAsync(cancellationToken);

    /// <summary>
    /// Ramps to <paramref name="count"/> idle UDP sessions (over DTLS with <paramref name="dtls"/>) and measures the time
    /// per session and the server's CPU and memory (<see cref="ConnectionsScenario"/> over <see cref="Udp.UdpIdleSession"/>).
    /// </summary>
    public static Task<ConnectionsResult> ConnectionsAsync(EndPoint endpoint, int count, int serverPid, TimeSpan settle, bool progress, bool dtls, CancellationToken cancellationToken) =>
        new ConnectionsScenario(Udp.UdpIdleSession.Transport(endpoint, dtls), count, serverPid, settle, progress).RunAsync(cancellationToken);

    /// <summary>Most sessions <see cref="ConnectionsAsync"/> opens: each is a thread of the generator.</summary>
    public const int MaxSessions = 4000;
}
