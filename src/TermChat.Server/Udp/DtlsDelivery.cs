namespace TermChat.Server.Udp;

/// <summary>A datagram of the reliable layer that came out of a DTLS association.</summary>
internal delegate void DtlsDelivery(ReadOnlySpan<byte> datagram, DtlsAssociation association);
