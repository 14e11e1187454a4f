using System.Net;
using TermChat.Protocol;
using TermChat.Protocol.Datagrams;
using TermChat.Protocol.Messages;
using TermChat.Server.Wire;

namespace TermChat.Server.Udp;

/// <summary>
/// One UDP session as the front end sees it: the same <see cref="IClientLink"/> a TCP connection implements. Frames the
/// front end queues go into the session's reliability engine; frames the engine delivers go to the front end in order.
/// State is guarded by the handler's lock, except <see cref="InboundGate"/> which serialises calls into the front end.
/// </summary>
internal sealed class UdpLink : IClientLink
{
    private readonly UdpChatHandler _owner;

    public UdpLink(UdpChatHandler owner, ReliableSession session, IPEndPoint endpoint, DtlsAssociation? association)
    {
        _owner = owner;
        Association = association;
        Session = session;
        Endpoint = endpoint;
        Id = WireFrontEnd.NextLinkId();
    }

    public long Id { get; }

    public EndPoint Remote => Endpoint;

    public string Transport => "udp";

    /// <summary>The DTLS association the session was opened through; null for a plaintext session.</summary>
    public DtlsAssociation? Association { get; }

    /// <summary>The key the client presented in the DTLS handshake; null for plaintext or no certificate.</summary>
    public string? KeyFingerprint => Association?.KeyFingerprint;

    public IPEndPoint Endpoint { get; }

    public ReliableSession Session { get; }

    /// <summary>Serialises decoding and calls into the front end for this link (never held together with the handler's lock first).</summary>
    public object InboundGate { get; } = new();

    /// <summary>Messages the engine delivered that the front end has not taken yet (flood control may hold them).</summary>
    public Queue<byte[]> Inbound { get; } = new();

    public long InboundBytes { get; set; }

    /// <summary>A decoded message the front end refused for now; offered again first.</summary>
    public Message? Held { get; set; }

    /// <summary>When flood control allows the next attempt (ms); 0 when not throttled.</summary>
    public long RetryAtMs { get; set; }

    public bool Admitted { get; set; }

    public bool Closing { get; set; }

    public bool Finished { get; set; }

    public DisconnectReason Reason { get; set; } = DisconnectReason.PeerClosed;

    public string Detail { get; set; } = "connection closed";

    /// <summary>After this (ms) a closing session stops waiting for its last frames to be acknowledged.</summary>
    public long DrainDeadlineMs { get; set; } = long.MaxValue;

    /// <summary>A frame taken from <see cref="Inbound"/> is on its way to the front end.</summary>
    public bool Handing { get; set; }

    /// <summary>Frames that arrived before the peer closed and have not reached the front end yet.</summary>
    public bool HasPendingInput => Inbound.Count > 0 || Held is not null || Handing;

    /// <summary>The link waits in the handler's queue of closed sessions.</summary>
    public bool ReapQueued { get; set; }

    /// <summary>The link has left the handler's table; nothing may schedule it again.</summary>
    public bool Removed { get; set; }

    public bool TryEnqueue(ReadOnlyMemory<byte> frame) => _owner.Enqueue(this, frame);

    public void Close(ErrorCode? code, string reason) => _owner.CloseLink(this, code, reason, discardQueued: false);
}
