using System.Net;

namespace TermChat.LoadGen.Scenarios;

/// <summary>
/// Entry point of the reliable-UDP scenario. The UDP client is built on the datagram layer of the protocol
/// library; a build without that layer reports the scenario as unavailable instead of failing to compile.
/// </summary>
public static class UdpBench
{
    /// <summary>Whether this build includes the UDP client.</summary>
#if HAS_DATAGRAMS
    public static bool IsAvailable => true;
#else
    public static bool IsAvailable => false;
#endif

    /// <summary>Runs one open-loop UDP run: one publisher, <paramref name="subscribers"/> subscribers.</summary>
    public static Task<UdpResult> RunAsync(EndPoint endpoint, int subscribers, double rate, TimeSpan duration, TimeSpan warmup, int textBytes, int? serverPid, bool progress, CancellationToken cancellationToken)
    {
#if HAS_DATAGRAMS
        return new Udp.UdpScenario(endpoint, subscribers, rate, duration, warmup, textBytes, serverPid, progress).RunAsync(cancellationToken);
#else
        throw new PlatformNotSupportedException("This build has no datagram layer, so the udp scenario cannot run.");
#endif
    }
}
