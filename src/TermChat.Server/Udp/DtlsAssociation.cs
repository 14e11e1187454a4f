using System.Net;
using Org.BouncyCastle.Tls;
using TermChat.Protocol.Security;

namespace TermChat.Server.Udp;

/// <summary>
/// One DTLS association with one client UDP endpoint: its channel (the queue BouncyCastle reads from), and once the
/// handshake is done its record layer and the client's key. Datagram-layer sessions opened through it stay bound to it.
/// </summary>
internal sealed class DtlsAssociation
{
    private volatile DtlsTransport? _transport;
    private volatile bool _failed;

    /// <summary>Record header, handshake header and client_version come before a ClientHello's random.</summary>
    private const int RandomOffset = 13 + 12 + 2;

    private readonly byte[] _clientRandom;

    public DtlsAssociation(IPEndPoint remote, DtlsChannel channel, ReadOnlySpan<byte> clientHello)
    {
        Remote = remote;
        Channel = channel;
        _clientRandom = clientHello.Length >= RandomOffset + 32 ? clientHello.Slice(RandomOffset, 32).ToArray() : [];
    }

    /// <summary>
    /// Whether <paramref name="clientHello"/> is a copy of the ClientHello that started this association (same random):
    /// a duplicate the network delivered late, not a client starting over.
    /// </summary>
    public bool StartedBy(ReadOnlySpan<byte> clientHello) =>
        clientHello.Length >= RandomOffset + 32 && clientHello.Slice(RandomOffset, 32).SequenceEqual(_clientRandom);

    public IPEndPoint Remote { get; }

    public DtlsChannel Channel { get; }

    /// <summary>Serialises BouncyCastle's record layer, which is not thread-safe: sealing (any thread) and opening (the receive thread).</summary>
    public object Gate { get; } = new();

    /// <summary>The record layer, set once the handshake succeeded.</summary>
    public DtlsTransport? Transport => _transport;

    /// <summary>The client's key, when it presented a certificate.</summary>
    public string? KeyFingerprint { get; private set; }

    public bool Failed => _failed;

    /// <summary>Datagram-layer sessions bound to this association. Guarded by the handler's lock.</summary>
    public int Sessions { get; set; }

    /// <summary>When the handshake finished (ms, the layer's clock); an association no session uses is forgotten after a while.</summary>
    public long EstablishedMs { get; private set; }

    public void Establish(DtlsTransport transport, string? keyFingerprint, long nowMs)
    {
        lock (Gate)
        {
            KeyFingerprint = keyFingerprint;
            EstablishedMs = nowMs;
            Channel.NonBlocking = true;
            _transport = transport;
        }
    }

    public void Fail()
    {
        _failed = true;
        Channel.Close();
    }
}
