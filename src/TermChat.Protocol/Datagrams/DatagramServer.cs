using System.Net;

namespace TermChat.Protocol.Datagrams;

/// <summary>
/// The server's datagram front door, sans-IO: answers Initials with stateless Retries, turns valid Connects into
/// <see cref="ReliableSession"/>s, and routes every other datagram to its session only if the session id is known
/// and the datagram comes from the endpoint that created it. Not thread-safe.
/// </summary>
public sealed class DatagramServer
{
    private readonly Dictionary<ulong, Entry> _sessions = [];
    private readonly CookieProtector _cookies;
    private readonly DatagramOptions _options;
    private readonly int _maxSessions;

    /// <summary>Creates a front door.</summary>
    /// <param name="options">Options for every session it creates.</param>
    /// <param name="cookies">The cookie minter; a fresh random secret if null.</param>
    /// <param name="maxSessions">Connects beyond this many live sessions are dropped.</param>
    public DatagramServer(DatagramOptions? options = null, CookieProtector? cookies = null, int maxSessions = 10_000)
    {
        _options = options ?? DatagramOptions.Default;
        _cookies = cookies ?? new CookieProtector();
        _maxSessions = maxSessions;
    }

    /// <summary>The options every session gets.</summary>
    public DatagramOptions Options => _options;

    /// <summary>Live sessions.</summary>
    public int Count => _sessions.Count;

    /// <summary>Datagrams dropped silently since start.</summary>
    public long Dropped { get; private set; }

    /// <summary>Retries sent since start.</summary>
    public long RetriesSent { get; private set; }

    /// <summary>The sessions, for polling timers.</summary>
    public IEnumerable<ReliableSession> Sessions => _sessions.Values.Select(entry => entry.Session);

    /// <summary>
    /// Handles one datagram from <paramref name="from"/>. <paramref name="reply"/> must hold
    /// <see cref="DatagramLimits.MaxDatagramBytes"/>; on <see cref="DatagramRoute.Reply"/> it holds
    /// <paramref name="replyBytes"/> bytes to send back. On the session routes <paramref name="session"/> is set.
    /// </summary>
    public DatagramRoute Route(ReadOnlySpan<byte> datagram, SocketAddress from, long nowMs, Span<byte> reply, out int replyBytes, out ReliableSession? session)
    {
        replyBytes = 0;
        session = null;
        var route = RouteCore(datagram, from, nowMs, reply, ref replyBytes, ref session);
        if (route == DatagramRoute.Dropped)
        {
            Dropped++;
        }
        return route;
    }

    /// <summary>The endpoint a session belongs to.</summary>
    public bool TryGetEndpoint(ulong sessionId, out SocketAddress endpoint)
    {
        if (_sessions.TryGetValue(sessionId, out var entry))
        {
            endpoint = entry.Endpoint;
            return true;
        }
        endpoint = null!;
        return false;
    }

    /// <summary>Forgets a session (after it closed); later datagrams for it are dropped.</summary>
    public bool Remove(ulong sessionId) => _sessions.Remove(sessionId);

    private DatagramRoute RouteCore(ReadOnlySpan<byte> datagram, SocketAddress from, long nowMs, Span<byte> reply, ref int replyBytes, ref ReliableSession? session)
    {
        if (!DatagramHeader.TryRead(datagram, out var header))
        {
            return DatagramRoute.Dropped;
        }
        var address = from.Buffer.Span[..from.Size];
        switch (header.Type)
        {
            case DatagramType.Initial:
                // Padding to 1200 bytes proves the path and keeps the 42-byte Retry far under 3× what was received.
                if (datagram.Length != DatagramLimits.InitialBytes || header.SessionId == 0 || _sessions.Count >= _maxSessions)
                {
                    return DatagramRoute.Dropped;
                }
                var cookie = _cookies.Mint(address, header.SessionId, nowMs);
                replyBytes = HandshakeCodec.WriteRetry(reply, cookie);
                RetriesSent++;
                return DatagramRoute.Reply;
            case DatagramType.Connect:
                if (_sessions.TryGetValue(header.SessionId, out var existing))
                {
                    return Deliver(existing, datagram, from, nowMs, ref session);
                }
                if (!HandshakeCodec.TryReadConnect(datagram, out var echoed) || !_cookies.TryValidate(address, echoed, nowMs) || _sessions.Count >= _maxSessions)
                {
                    return DatagramRoute.Dropped;
                }
                session = ReliableSession.CreateServer(echoed.SessionId, _options, nowMs);
                _sessions.Add(echoed.SessionId, new Entry(session, Copy(from)));
                return DatagramRoute.SessionCreated;
            case DatagramType.Packet or DatagramType.Close:
                return _sessions.TryGetValue(header.SessionId, out var entry)
                    ? Deliver(entry, datagram, from, nowMs, ref session)
                    : DatagramRoute.Dropped;
            default:
                return DatagramRoute.Dropped;
        }
    }

    private static DatagramRoute Deliver(Entry entry, ReadOnlySpan<byte> datagram, SocketAddress from, long nowMs, ref ReliableSession? session)
    {
        if (!entry.Endpoint.Equals(from) || !entry.Session.OnDatagram(datagram, nowMs))
        {
            return DatagramRoute.Dropped;
        }
        session = entry.Session;
        return DatagramRoute.Session;
    }

    private static SocketAddress Copy(SocketAddress address)
    {
        var copy = new SocketAddress(address.Family, address.Size);
        address.Buffer.Span[..address.Size].CopyTo(copy.Buffer.Span);
        return copy;
    }

    private sealed record Entry(ReliableSession Session, SocketAddress Endpoint);
}
