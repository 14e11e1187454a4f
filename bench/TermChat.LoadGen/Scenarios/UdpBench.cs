using System.Net;

namespace TermChat.LoadGen.Scenarios;

/// <summary>Entry point of the reliable-UDP scenario (the client is built on the protocol library's datagram layer).</summary>
public static class UdpBench
{
    /// <summary>Runs one open-loop UDP run: one publisher, <paramref name="subscribers"/> subscribers; over DTLS with <paramref name="dtls"/>.</summary>
    public static Task<UdpResult> RunAsync(EndPoint endpoint, int subscribers, double rate, TimeSpan duration, TimeSpan warmup, int textBytes, int? serverPid, bool progress, CancellationToken cancellationToken, bool dtls = false) =>
        new Udp.UdpScenario(endpoint, subscribers, rate, duration, warmup, textBytes, serverPid, progress, dtls).RunAsync(cancellationToken);
}
