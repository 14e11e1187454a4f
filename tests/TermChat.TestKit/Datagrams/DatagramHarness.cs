using System.Net;
using TermChat.Protocol.Datagrams;

namespace TermChat.TestKit.Datagrams;

/// <summary>
/// An in-process, virtual-time network for the datagram engine: client <see cref="ReliableSession"/>s and one
/// <see cref="DatagramServer"/> joined by seeded lossy links (<see cref="LinkConditions"/>). Deterministic for a seed,
/// and fast: time jumps straight to the next arrival or timer.
/// </summary>
public sealed class DatagramHarness
{
    private readonly Random _random;
    private readonly PriorityQueue<Arrival, (long, long)> _arrivals = new();
    private readonly List<Client> _clients = [];
    private readonly Dictionary<ulong, ReliableSession> _serverSessions = [];
    private readonly byte[] _buffer = new byte[DatagramLimits.MaxDatagramBytes];
    private readonly byte[] _reply = new byte[DatagramLimits.MaxDatagramBytes];
    private readonly SocketAddress _serverAddress = new IPEndPoint(IPAddress.Parse("10.0.0.1"), 7777).Serialize();
    private long _order;

    /// <summary>Creates the network.</summary>
    public DatagramHarness(int seed, DatagramOptions? serverOptions = null, long startMs = 1_000_000)
    {
        _random = new Random(seed);
        NowMs = startMs;
        Server = new DatagramServer(serverOptions, new CookieProtector(new byte[32]));
    }

    /// <summary>Virtual time.</summary>
    public long NowMs { get; private set; }

    public DatagramServer Server { get; }

    /// <summary>Called for each message a server session delivers (the test plays the hub).</summary>
    public Action<ReliableSession, byte[]>? OnServerMessage { get; set; }

    /// <summary>Called for each message a client delivers.</summary>
    public Action<int, byte[]>? OnClientMessage { get; set; }

    /// <summary>Sees every datagram put on a link (before loss): direction, client index, bytes.</summary>
    public Action<bool, int, byte[]>? OnTransmit { get; set; }

    /// <summary>The address a client sends from.</summary>
    public SocketAddress ClientAddress(int client) => _clients[client].Address;

    /// <summary>Datagrams put on any link.</summary>
    public long DatagramsSent { get; private set; }

    /// <summary>Live server sessions by id (closed ones are removed from the server and from here).</summary>
    public IReadOnlyDictionary<ulong, ReliableSession> ServerSessions => _serverSessions;

    /// <summary>Server sessions that reached <see cref="SessionState.Closed"/>, and when.</summary>
    public List<(ReliableSession Session, long AtMs)> ServerClosed { get; } = [];

    /// <summary>Adds a client with its own link conditions (same both ways unless <paramref name="down"/> is given).</summary>
    public int AddClient(LinkConditions up, LinkConditions? down = null, DatagramOptions? options = null)
    {
        var address = new IPEndPoint(IPAddress.Parse($"10.0.1.{_clients.Count + 1}"), 40000 + _clients.Count).Serialize();
        _clients.Add(new Client(ReliableSession.CreateClient(options, NowMs, (ulong)_random.NextInt64(1, long.MaxValue)), address, up, down ?? up));
        return _clients.Count - 1;
    }

    public ReliableSession ClientSession(int client) => _clients[client].Session;

    /// <summary>The server session of a client, once it exists.</summary>
    public ReliableSession? ServerSessionOf(int client) =>
        _serverSessions.GetValueOrDefault(_clients[client].Session.SessionId);

    /// <summary>Changes a client's link, for example to cut it (Loss = 1).</summary>
    public void SetLink(int client, LinkConditions up, LinkConditions? down = null)
    {
        _clients[client].Up = up;
        _clients[client].Down = down ?? up;
    }

    /// <summary>Silences a client entirely: it neither polls nor receives (a crashed peer).</summary>
    public void Freeze(int client) => _clients[client].Frozen = true;

    /// <summary>
    /// Runs the network until <paramref name="done"/> holds or <paramref name="maxVirtualMs"/> of virtual time pass.
    /// Returns whether <paramref name="done"/> held.
    /// </summary>
    public bool RunUntil(Func<bool> done, long maxVirtualMs)
    {
        long deadline = NowMs + maxVirtualMs;
        while (true)
        {
            Pump();
            if (done())
            {
                return true;
            }
            long next = NextEventMs();
            if (next == long.MaxValue || next > deadline)
            {
                NowMs = Math.Max(NowMs, Math.Min(deadline, next));
                return done();
            }
            NowMs = Math.Max(NowMs + 1, next);
            DeliverDue();
        }
    }

    /// <summary>Advances virtual time by <paramref name="ms"/>, running everything on the way.</summary>
    public void Run(long ms) => RunUntil(() => false, ms);

    private long NextEventMs()
    {
        long next = _arrivals.TryPeek(out _, out var key) ? key.Item1 : long.MaxValue;
        foreach (var client in _clients)
        {
            if (!client.Frozen)
            {
                next = Math.Min(next, client.Session.NextTimerMs);
            }
        }
        foreach (var session in _serverSessions.Values)
        {
            next = Math.Min(next, session.NextTimerMs);
        }
        return next;
    }

    private void Pump()
    {
        for (int i = 0; i < _clients.Count; i++)
        {
            var client = _clients[i];
            if (client.Frozen)
            {
                continue;
            }
            int length;
            while ((length = client.Session.Poll(NowMs, _buffer)) > 0)
            {
                Transmit(client.Up, toServer: true, i, _buffer.AsSpan(0, length));
            }
            DrainClient(i);
        }
        foreach (var session in _serverSessions.Values.ToList())
        {
            PollServerSession(session);
        }
    }

    private void PollServerSession(ReliableSession session)
    {
        int client = ClientIndexOf(session.SessionId);
        int length;
        while ((length = session.Poll(NowMs, _buffer)) > 0)
        {
            if (client >= 0)
            {
                Transmit(_clients[client].Down, toServer: false, client, _buffer.AsSpan(0, length));
            }
        }
        while (session.TryReceive(out var message))
        {
            OnServerMessage?.Invoke(session, message);
        }
        if (session.State == SessionState.Closed && !ServerClosed.Exists(closed => ReferenceEquals(closed.Session, session)))
        {
            ServerClosed.Add((session, NowMs));
        }
        if (session.State == SessionState.Closed && session.NextTimerMs == long.MaxValue)
        {
            // Finished, including the linger after its Close: the server forgets it.
            _serverSessions.Remove(session.SessionId);
            Server.Remove(session.SessionId);
        }
    }

    private int ClientIndexOf(ulong sessionId)
    {
        if (!Server.TryGetEndpoint(sessionId, out var endpoint))
        {
            return -1;
        }
        return _clients.FindIndex(client => client.Address.Equals(endpoint));
    }

    private void DrainClient(int index)
    {
        while (_clients[index].Session.TryReceive(out var message))
        {
            OnClientMessage?.Invoke(index, message);
        }
    }

    private void Transmit(LinkConditions link, bool toServer, int client, ReadOnlySpan<byte> datagram)
    {
        DatagramsSent++;
        OnTransmit?.Invoke(toServer, client, datagram.ToArray());
        Span<int> delays = stackalloc int[2];
        int copies = link.Fate(_random, delays);
        for (int i = 0; i < copies; i++)
        {
            _arrivals.Enqueue(new Arrival(toServer, client, datagram.ToArray()), (NowMs + delays[i], _order++));
        }
    }

    private void DeliverDue()
    {
        while (_arrivals.TryPeek(out var arrival, out var key) && key.Item1 <= NowMs)
        {
            _arrivals.Dequeue();
            var client = _clients[arrival.Client];
            if (!arrival.ToServer)
            {
                if (!client.Frozen)
                {
                    client.Session.OnDatagram(arrival.Datagram, NowMs);
                }
                continue;
            }
            var route = Server.Route(arrival.Datagram, client.Address, NowMs, _reply, out int replyBytes, out var session);
            switch (route)
            {
                case DatagramRoute.Reply:
                    Transmit(client.Down, toServer: false, arrival.Client, _reply.AsSpan(0, replyBytes));
                    break;
                case DatagramRoute.SessionCreated:
                    _serverSessions.Add(session!.SessionId, session);
                    PollServerSession(session);
                    break;
                case DatagramRoute.Session:
                    PollServerSession(session!);
                    break;
            }
        }
    }

    private sealed record Arrival(bool ToServer, int Client, byte[] Datagram);

    private sealed class Client(ReliableSession session, SocketAddress address, LinkConditions up, LinkConditions down)
    {
        public ReliableSession Session { get; } = session;

        public SocketAddress Address { get; } = address;

        public LinkConditions Up { get; set; } = up;

        public LinkConditions Down { get; set; } = down;

        public bool Frozen { get; set; }
    }
}
