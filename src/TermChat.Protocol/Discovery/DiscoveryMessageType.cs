namespace TermChat.Protocol.Discovery;

/// <summary>The type byte of a discovery datagram.</summary>
public enum DiscoveryMessageType : byte
{
    /// <summary>"Who is there?" — sent by broadcast, multicast or unicast; padded to <see cref="DiscoveryDefaults.ProbeBytes"/>.</summary>
    Probe = 0x01,
    /// <summary>A server's answer to a probe.</summary>
    Reply = 0x02,
    /// <summary>A netcheck echo request: padded with a pattern the responder verifies.</summary>
    EchoRequest = 0x03,
    /// <summary>A netcheck echo reply, never larger than its request.</summary>
    EchoReply = 0x04,
}
