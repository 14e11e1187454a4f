namespace TermChat.Protocol.Datagrams;

/// <summary>A snapshot of one session's link figures, for the status bar and the server's Stats.</summary>
/// <param name="SmoothedRttMs">SRTT (RFC 6298); 0 before the first sample.</param>
/// <param name="RttVarianceMs">RTTVAR (RFC 6298).</param>
/// <param name="RtoMs">The current retransmission timeout including backoff.</param>
/// <param name="LossPercent">Recent loss: share of ack-eliciting packets declared lost, smoothed over about 64 packets.</param>
/// <param name="PacketsSent">Every packet sent, acks included.</param>
/// <param name="PacketsReceived">Every packet accepted from the peer.</param>
/// <param name="PacketsLost">Ack-eliciting packets declared lost.</param>
/// <param name="Retransmits">Chunks sent again after their packet was declared lost.</param>
/// <param name="DuplicatesDropped">Chunks received more than once and dropped.</param>
/// <param name="InFlight">Ack-eliciting packets sent and not yet acknowledged or declared lost.</param>
/// <param name="CongestionWindow">How many packets may be in flight.</param>
/// <param name="MessagesSent">Messages accepted by <see cref="ReliableSession.TrySend"/>.</param>
/// <param name="MessagesReceived">Messages delivered in order.</param>
/// <param name="BytesSent">Datagram bytes sent.</param>
/// <param name="BytesReceived">Datagram bytes accepted.</param>
/// <param name="HasRttSample">Whether any RTT sample was taken (on loopback SRTT may well be 0 ms).</param>
public readonly record struct DatagramStats(
    double SmoothedRttMs,
    double RttVarianceMs,
    int RtoMs,
    double LossPercent,
    long PacketsSent,
    long PacketsReceived,
    long PacketsLost,
    long Retransmits,
    long DuplicatesDropped,
    int InFlight,
    int CongestionWindow,
    long MessagesSent,
    long MessagesReceived,
    long BytesSent,
    long BytesReceived,
    bool HasRttSample);
