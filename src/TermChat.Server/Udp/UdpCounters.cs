using TermChat.Protocol;
using TermChat.Protocol.Datagrams;

namespace TermChat.Server.Udp;

/// <summary>
/// The UDP figures of the server's Stats message: running totals, plus the totals of sessions that have ended so the
/// figures do not drop when sessions close. Guarded by the handler's lock.
/// </summary>
internal sealed class UdpCounters
{
    private long _closedRetransmits;
    private long _closedLost;
    private long _closedPacketsSent;
    private long _sessionsOpened;
    private long _datagramsIn;
    private long _datagramsOut;
    private long _sendsDropped;

    public void SessionOpened() => _sessionsOpened++;

    public void DatagramIn() => _datagramsIn++;

    public void DatagramOut() => _datagramsOut++;

    /// <summary>A datagram the sender's queue refused.</summary>
    public void SendDropped() => _sendsDropped++;

    /// <summary>Keeps an ended session's figures in the totals.</summary>
    public void SessionEnded(DatagramStats stats)
    {
        _closedRetransmits += stats.Retransmits;
        _closedLost += stats.PacketsLost;
        _closedPacketsSent += stats.PacketsSent;
    }

    /// <summary>The entries, from the live links and the totals.</summary>
    /// <param name="links">Every link the handler still knows, including those that have finished but linger.</param>
    /// <param name="router">The handshake router (its drops and Retry count).</param>
    /// <param name="sendFailures">Datagrams the socket refused after they were queued.</param>
    public StatEntry[] Entries(IReadOnlyCollection<UdpLink> links, DatagramServer router, long sendFailures)
    {
        long retransmits = _closedRetransmits, lost = _closedLost, sent = _closedPacketsSent;
        double srttSum = 0, srttMax = 0, lossSum = 0;
        int measured = 0;
        int live = 0;
        foreach (var link in links)
        {
            if (!link.Finished)
            {
                live++;
            }
            var stats = link.Session.Stats;
            retransmits += stats.Retransmits;
            lost += stats.PacketsLost;
            sent += stats.PacketsSent;
            lossSum += stats.LossPercent;
            if (stats.SmoothedRttMs > 0)
            {
                srttSum += stats.SmoothedRttMs;
                srttMax = Math.Max(srttMax, stats.SmoothedRttMs);
                measured++;
            }
        }
        return
        [
            new StatEntry("udp_sessions", live),
            new StatEntry("udp_sessions_total", _sessionsOpened),
            new StatEntry("udp_srtt_avg_ms", measured == 0 ? 0 : (long)Math.Round(srttSum / measured)),
            new StatEntry("udp_srtt_max_ms", (long)Math.Round(srttMax)),
            new StatEntry("udp_loss_avg_pct", links.Count == 0 ? 0 : (long)Math.Round(lossSum / links.Count)),
            new StatEntry("udp_packets_out_total", sent),
            new StatEntry("udp_packets_lost_total", lost),
            new StatEntry("udp_retransmits_total", retransmits),
            new StatEntry("udp_datagrams_in_total", _datagramsIn),
            new StatEntry("udp_datagrams_out_total", _datagramsOut),
            new StatEntry("udp_dropped_in_total", router.Dropped),
            // Lost on the way out: the sender's queue was full, or the socket refused the datagram.
            new StatEntry("udp_dropped_out_total", _sendsDropped + sendFailures),
            new StatEntry("udp_handshake_retries_total", router.RetriesSent),
        ];
    }
}
