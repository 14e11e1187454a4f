using System.Buffers;
using System.Collections.Concurrent;
using System.Net;
using Microsoft.Extensions.Logging;
using Org.BouncyCastle.Tls;
using TermChat.Protocol.Security;
using TermChat.Server.Datagrams;
using TermChat.Server.Security;

namespace TermChat.Server.Udp;

/// <summary>
/// The server's DTLS (docs/SECURITY.md, PROTOCOL-DATAGRAMS.md section 12): BouncyCastle's DTLS 1.2 under the reliable
/// layer, one association per client UDP endpoint, on the server key TLS uses.
/// </summary>
/// <remarks>
/// <para>Spoofed sources cost nothing: a ClientHello without a valid cookie is answered by
/// <see cref="DtlsVerifier"/>'s stateless HelloVerifyRequest (smaller than the ClientHello) on the receive thread; only
/// a ClientHello that echoes the cookie for its own address creates an association.</para>
/// <para>BouncyCastle's handshake blocks on its transport, so it runs on a small fixed set of worker threads, in every
/// server mode (select mode included: the select thread only queues handshake datagrams). Handshakes waiting or running
/// are capped overall and per address, and each is bounded by the handshake timeout, so a flood of them cannot grow
/// threads or memory; past the caps new ClientHellos are dropped and their clients retry.</para>
/// <para>After the handshake nothing blocks: the receive thread queues a record on the association's channel and opens
/// it at once (<see cref="DtlsChannel.NonBlocking"/>; a record that yields no data, such as a duplicate or the client's
/// retransmitted last flight, costs at most <see cref="DtlsChannel.EmptyWaitMillis"/>); sealing happens where the
/// reliable layer's datagram is handed to the sender.</para>
/// </remarks>
internal sealed class ServerDtls : IDisposable
{
    /// <summary>Handshakes queued or running at once, all addresses together.</summary>
    public const int MaxPendingHandshakes = 64;

    /// <summary>Handshakes queued or running at once from one IP address.</summary>
    public const int MaxPendingPerAddress = 8;

    /// <summary>Threads that run handshakes.</summary>
    public static readonly int Workers = Math.Clamp(Environment.ProcessorCount, 2, 4);

    private readonly DtlsCredentials _credentials;
    private readonly TimeSpan _handshakeTimeout;
    private readonly int _maxAssociations;
    private readonly ILogger _logger;
    private readonly Func<long> _nowMs;
    private readonly DtlsVerifier _verifier;
    private readonly Dictionary<IPEndPoint, DtlsAssociation> _associations = [];
    private readonly Dictionary<IPAddress, int> _pendingPerAddress = [];
    private readonly BlockingCollection<(DtlsAssociation Association, DtlsRequest Request)> _handshakes = new(MaxPendingHandshakes);
    private readonly Thread[] _workers;
    private IDatagramSender? _sender;
    private int _pending;
    private long _nextSweepMs;

    public ServerDtls(DtlsCredentials credentials, TimeSpan handshakeTimeout, int maxSessions, ILogger logger, Func<long> nowMs)
    {
        _credentials = credentials;
        _handshakeTimeout = handshakeTimeout;
        _maxAssociations = maxSessions + MaxPendingHandshakes;
        _logger = logger;
        _nowMs = nowMs;
        _verifier = new DtlsVerifier(DtlsCredentials.NewCrypto());
        _workers = new Thread[Workers];
        for (int i = 0; i < _workers.Length; i++)
        {
            _workers[i] = new Thread(RunHandshakes) { IsBackground = true, Name = $"termchat-dtls-{i}" };
            _workers[i].Start();
        }
    }

    /// <summary>Associations kept (handshaking or established).</summary>
    public int Count
    {
        get
        {
            lock (_associations)
            {
                return _associations.Count;
            }
        }
    }

    /// <summary>Handshakes completed since the start.</summary>
    public long Handshakes => Interlocked.Read(ref _handshakesDone);

    private long _handshakesDone;

    public void Start(IDatagramSender sender) => _sender = sender;

    /// <summary>
    /// One datagram whose first byte is a DTLS content type. Datagrams of the reliable layer it carries are handed to
    /// <paramref name="deliver"/> after the association's lock is released. Never blocks.
    /// </summary>
    public void OnRecord(ReadOnlySpan<byte> datagram, IPEndPoint remote, DtlsDelivery deliver)
    {
        if (datagram.Length > DtlsRecord.MaxDatagramBytes)
        {
            return;
        }
        DtlsAssociation? association;
        lock (_associations)
        {
            _associations.TryGetValue(remote, out association);
        }
        bool hello = IsClientHello(datagram);
        if (association is { Failed: false } && !(hello && association.Transport is not null && !association.StartedBy(datagram)))
        {
            if (association.Transport is null)
            {
                // Still handshaking: the worker reads it (dropped when the channel is full, as a full socket buffer
                // would). A copy of the ClientHello that started it is not: a client whose timer fired before the
                // server's first flight was out (a loaded server) sends one, and BouncyCastle's server then stops
                // taking the client's next flight (seen under load; its own resend timer repeats the flight anyway).
                if (!(hello && association.StartedBy(datagram)))
                {
                    association.Channel.Offer(datagram);
                }
                return;
            }
            Open(association, datagram, deliver);
            return;
        }
        // No association, a failed one, or a new ClientHello on an established one (the client started over from the
        // same port; a late copy of the ClientHello that started it is opened, and ignored, above): only a ClientHello that echoes our cookie for this address starts one.
        if (hello)
        {
            TryStartHandshake(datagram, remote);
        }
    }

    /// <summary>Seals one datagram of the reliable layer for <paramref name="association"/> and queues it; false if it was lost.</summary>
    public bool TrySeal(DtlsAssociation association, ReadOnlySpan<byte> datagram)
    {
        lock (association.Gate)
        {
            if (association.Transport is not { } transport || association.Failed)
            {
                return false;
            }
            try
            {
                transport.Send(datagram);
                return true;
            }
            catch (Exception e) when (e is IOException or TlsException or InvalidOperationException)
            {
                return false;
            }
        }
    }

    /// <summary>A session bound to <paramref name="association"/> is gone; an association no session uses is forgotten.</summary>
    /// <remarks>Called under the handler's lock, which guards <see cref="DtlsAssociation.Sessions"/>.</remarks>
    public void Release(DtlsAssociation association)
    {
        if (--association.Sessions > 0)
        {
            return;
        }
        Forget(association);
    }

    /// <summary>Stops the workers; handshakes in progress fail.</summary>
    public void Dispose()
    {
        _handshakes.CompleteAdding();
        lock (_associations)
        {
            foreach (var association in _associations.Values)
            {
                association.Fail();
            }
            _associations.Clear();
        }
        foreach (var worker in _workers)
        {
            worker.Join(TimeSpan.FromSeconds(2));
        }
    }

    /// <summary>A handshake record of epoch 0 (content type 22, epoch bytes 3–4 zero) carrying a ClientHello (type 1).</summary>
    private static bool IsClientHello(ReadOnlySpan<byte> datagram) =>
        datagram.Length > 13 && datagram[0] == ContentType.handshake && datagram[3] == 0 && datagram[4] == 0 && datagram[13] == HandshakeType.client_hello;

    private void Open(DtlsAssociation association, ReadOnlySpan<byte> datagram, DtlsDelivery deliver)
    {
        List<(byte[] Buffer, int Length)>? opened = null;
        lock (association.Gate)
        {
            if (!association.Channel.Offer(datagram))
            {
                return;
            }
            var transport = association.Transport!;
            byte[]? buffer = null;
            try
            {
                while (true)
                {
                    buffer ??= ArrayPool<byte>.Shared.Rent(DtlsRecord.MaxDatagramBytes);
                    int length = association.Channel.OpenNext(transport, buffer);
                    if (length < 0)
                    {
                        break;
                    }
                    (opened ??= []).Add((buffer, length));
                    buffer = null;
                }
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                // A fatal alert from the client, or a record BouncyCastle will not take: the association is over; its
                // sessions end by their own timers (or by the client's Close, which it seals before any alert).
                Log.DtlsFailed(_logger, association.Remote, e.Message);
                association.Fail();
            }
            finally
            {
                if (buffer is not null)
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                }
            }
        }
        if (opened is null)
        {
            return;
        }
        foreach (var (buffer, length) in opened)
        {
            deliver(buffer.AsSpan(0, length), association);
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private void TryStartHandshake(ReadOnlySpan<byte> datagram, IPEndPoint remote)
    {
        var sender = _sender;
        if (sender is null)
        {
            return;
        }
        DtlsRequest? request;
        try
        {
            byte[] data = datagram.ToArray();
            request = _verifier.VerifyRequest(remote.Serialize().Buffer.ToArray(), data, 0, data.Length, new Reply(sender, remote));
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // A ClientHello BouncyCastle cannot parse: garbage, dropped like any.
            return;
        }
        if (request is null)
        {
            return;
        }
        long now = _nowMs();
        DtlsAssociation association;
        lock (_associations)
        {
            if (_pending >= MaxPendingHandshakes)
            {
                Log.DtlsBusy(_logger, remote, "too many handshakes in progress");
                return;
            }
            _pendingPerAddress.TryGetValue(remote.Address, out int fromAddress);
            if (fromAddress >= MaxPendingPerAddress)
            {
                Log.DtlsBusy(_logger, remote, "too many handshakes in progress from this address");
                return;
            }
            if (_associations.Count >= _maxAssociations)
            {
                Sweep(now);
                if (_associations.Count >= _maxAssociations)
                {
                    Log.DtlsBusy(_logger, remote, "too many associations");
                    return;
                }
            }
            else if (now >= _nextSweepMs)
            {
                Sweep(now);
            }
            if (_associations.Remove(remote, out var previous))
            {
                previous.Fail();
            }
            // The client numbers its next records on from its ClientHello's (bytes 5–10 of the record header).
            long next = (long)(System.Buffers.Binary.BinaryPrimitives.ReadUInt64BigEndian(datagram[3..11]) & 0xFFFF_FFFF_FFFF) + 1;
            association = new DtlsAssociation(remote, new DtlsChannel(sealedDatagram => Queue(sender, sealedDatagram, remote), next), datagram);
            _associations.Add(remote, association);
            _pending++;
            _pendingPerAddress[remote.Address] = fromAddress + 1;
        }
        if (!_handshakes.TryAdd((association, request)))
        {
            Finished(association, failed: true);
        }
    }

    /// <summary>
    /// Forgets failed associations and established ones no session took up within the handshake timeout (a client that
    /// finished DTLS and then went away). Called under the table's lock at most once a second, or when the table is full.
    /// </summary>
    private void Sweep(long now)
    {
        _nextSweepMs = now + 1000;
        long idleMs = (long)_handshakeTimeout.TotalMilliseconds;
        List<IPEndPoint>? stale = null;
        foreach (var (remote, association) in _associations)
        {
            if (association.Failed || (association.Transport is not null && association.Sessions == 0 && now - association.EstablishedMs > idleMs))
            {
                (stale ??= []).Add(remote);
            }
        }
        if (stale is null)
        {
            return;
        }
        foreach (var remote in stale)
        {
            if (_associations.Remove(remote, out var association))
            {
                association.Fail();
            }
        }
    }

    private void Forget(DtlsAssociation association)
    {
        lock (_associations)
        {
            if (_associations.TryGetValue(association.Remote, out var current) && ReferenceEquals(current, association))
            {
                _associations.Remove(association.Remote);
            }
        }
        association.Fail();
    }

    private void RunHandshakes()
    {
        foreach (var (association, request) in _handshakes.GetConsumingEnumerable())
        {
            bool failed = true;
            try
            {
                if (association.Failed)
                {
                    continue;
                }
                var crypto = DtlsCredentials.NewCrypto();
                var peer = new DtlsServerPeer(_credentials, crypto, _handshakeTimeout);
                var transport = new DtlsServerProtocol().Accept(peer, association.Channel, request);
                association.Establish(transport, peer.ClientFingerprint, _nowMs());
                Interlocked.Increment(ref _handshakesDone);
                Log.DtlsEstablished(_logger, association.Remote, peer.ClientFingerprint ?? "none");
                failed = false;
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                Log.DtlsFailed(_logger, association.Remote, e.Message);
            }
            finally
            {
                Finished(association, failed);
            }
        }
    }

    private void Finished(DtlsAssociation association, bool failed)
    {
        if (failed)
        {
            Forget(association);
        }
        lock (_associations)
        {
            _pending--;
            var address = association.Remote.Address;
            if (_pendingPerAddress.TryGetValue(address, out int count) && count > 1)
            {
                _pendingPerAddress[address] = count - 1;
            }
            else
            {
                _pendingPerAddress.Remove(address);
            }
        }
    }

    /// <summary>Queues one sealed datagram (a copy into a pooled buffer, which the sender returns).</summary>
    private static void Queue(IDatagramSender sender, ReadOnlySpan<byte> datagram, IPEndPoint remote)
    {
        byte[] buffer = ArrayPool<byte>.Shared.Rent(datagram.Length);
        datagram.CopyTo(buffer);
        sender.TrySend(buffer, datagram.Length, remote);
    }

    /// <summary>Where the verifier's HelloVerifyRequest goes: straight back to the address the ClientHello came from.</summary>
    private sealed class Reply(IDatagramSender sender, IPEndPoint remote) : DatagramSender
    {
        public int GetSendLimit() => DtlsRecord.MaxDatagramBytes;

        public void Send(byte[] buf, int off, int len) => Queue(sender, buf.AsSpan(off, len), remote);

        public void Send(ReadOnlySpan<byte> buffer) => Queue(sender, buffer, remote);
    }
}
