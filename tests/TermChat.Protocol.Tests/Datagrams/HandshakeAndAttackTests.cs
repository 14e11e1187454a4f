using System.Buffers.Binary;
using System.Net;
using TermChat.Protocol.Datagrams;
using TermChat.TestKit.Datagrams;

namespace TermChat.Protocol.Tests.Datagrams;

public class HandshakeAndAttackTests
{
    private static readonly SocketAddress Client = new IPEndPoint(IPAddress.Parse("192.0.2.10"), 40000).Serialize();
    private static readonly SocketAddress Attacker = new IPEndPoint(IPAddress.Parse("198.51.100.66"), 40000).Serialize();

    private readonly byte[] _buffer = new byte[DatagramLimits.MaxDatagramBytes];
    private readonly byte[] _reply = new byte[DatagramLimits.MaxDatagramBytes];

    private byte[] PollOne(ReliableSession session, long nowMs)
    {
        int length = session.Poll(nowMs, _buffer);
        Assert.True(length > 0);
        return _buffer[..length];
    }

    [Fact]
    public void The_cookie_handshake_opens_a_session_on_both_sides()
    {
        var server = new DatagramServer();
        var client = ReliableSession.CreateClient(null, 0);

        var initial = PollOne(client, 0);
        Assert.Equal(1200, initial.Length);
        Assert.Equal(DatagramRoute.Reply, server.Route(initial, Client, 0, _reply, out int retryLength, out _));
        Assert.Equal(0, server.Count);
        Assert.True(client.OnDatagram(_reply.AsSpan(0, retryLength), 10));
        Assert.Equal(SessionState.Connecting, client.State);

        var connect = PollOne(client, 10);
        Assert.Equal(DatagramRoute.SessionCreated, server.Route(connect, Client, 10, _reply, out _, out var serverSession));
        var accept = PollOne(serverSession!, 10);
        Assert.Equal(DatagramLimits.AcceptBytes, accept.Length);
        Assert.True(client.OnDatagram(accept, 30));

        Assert.Equal(SessionState.Open, client.State);
        Assert.Equal(client.SessionId, serverSession!.SessionId);
        Assert.Equal(20, client.Stats.SmoothedRttMs);
    }

    [Fact]
    public void A_repeated_connect_gets_the_accept_again_and_creates_nothing_new()
    {
        var server = new DatagramServer();
        var client = ReliableSession.CreateClient(null, 0);
        server.Route(PollOne(client, 0), Client, 0, _reply, out int retryLength, out _);
        client.OnDatagram(_reply.AsSpan(0, retryLength), 1);
        var connect = PollOne(client, 1);

        server.Route(connect, Client, 1, _reply, out _, out var session);
        PollOne(session!, 1);
        Assert.Equal(DatagramRoute.Session, server.Route(connect, Client, 300, _reply, out _, out var again));

        Assert.Same(session, again);
        Assert.Equal(DatagramLimits.AcceptBytes, PollOne(session!, 300).Length);
        Assert.Equal(1, server.Count);
    }

    [Fact]
    public void Spoofed_hellos_get_at_most_three_times_their_bytes_back_and_leave_no_state()
    {
        var server = new DatagramServer();
        var random = new Random(7);
        long received = 0;
        long sent = 0;
        var datagram = new byte[DatagramLimits.MaxDatagramBytes];
        for (int i = 0; i < 20_000; i++)
        {
            var victim = new IPEndPoint(new IPAddress(random.NextInt64(1, uint.MaxValue)), random.Next(1, 65536)).Serialize();
            int length = i % 2 == 0 ? 1200 : random.Next(10, 1200);
            HandshakeCodec.WriteInitial(datagram, (ulong)random.NextInt64(1, long.MaxValue));
            received += length;
            if (server.Route(datagram.AsSpan(0, length), victim, i, _reply, out int replyLength, out _) == DatagramRoute.Reply)
            {
                Assert.True(replyLength <= 3 * length);
                sent += replyLength;
            }
        }

        Assert.Equal(0, server.Count);
        Assert.Equal(10_000 * 42, sent);
        Assert.True(sent < received / 20, $"{sent} bytes sent for {received} received");
    }

    [Fact]
    public void A_cookie_echoed_from_another_address_or_too_late_or_forged_creates_no_session()
    {
        var server = new DatagramServer();
        var client = ReliableSession.CreateClient(null, 0);
        server.Route(PollOne(client, 0), Client, 0, _reply, out int retryLength, out _);
        client.OnDatagram(_reply.AsSpan(0, retryLength), 1);
        var connect = PollOne(client, 1);

        Assert.Equal(DatagramRoute.Dropped, server.Route(connect, Attacker, 1, _reply, out _, out _));
        Assert.Equal(DatagramRoute.Dropped, server.Route(connect, Client, 31_001, _reply, out _, out _));
        var forged = connect.ToArray();
        forged[^1] ^= 1;
        Assert.Equal(DatagramRoute.Dropped, server.Route(forged, Client, 2, _reply, out _, out _));
        Assert.Equal(0, server.Count);
        Assert.Equal(DatagramRoute.SessionCreated, server.Route(connect, Client, 2, _reply, out _, out _));
    }

    [Fact]
    public void A_client_ignores_a_retry_that_does_not_echo_its_nonce()
    {
        var client = ReliableSession.CreateClient(null, 0, nonce: 5);
        var retry = new byte[42];
        HandshakeCodec.WriteRetry(retry, new HandshakeCookie(99, Nonce: 6, 0, 0));

        Assert.False(client.OnDatagram(retry, 1));
        Assert.Equal(SessionState.Handshaking, client.State);
    }

    [Fact]
    public void Datagrams_with_foreign_session_ids_or_from_the_wrong_endpoint_are_dropped_and_change_nothing()
    {
        var harness = new DatagramHarness(3);
        int a = harness.AddClient(LinkConditions.Perfect);
        int b = harness.AddClient(LinkConditions.Perfect);
        var captured = new List<byte[]>();
        harness.OnTransmit = (toServer, client, datagram) =>
        {
            if (toServer && client == b)
            {
                captured.Add(datagram);
            }
        };
        int delivered = 0;
        harness.OnServerMessage = (_, _) => delivered++;
        harness.ClientSession(b).TrySend(new byte[] { 1, 2, 3 });
        Assert.True(harness.RunUntil(() => delivered == 1, 10_000));
        var sessionA = harness.ServerSessionOf(a)!;
        var before = sessionA.Stats;

        var reply = new byte[DatagramLimits.MaxDatagramBytes];
        foreach (var datagram in captured.Where(d => d[1] == (byte)DatagramType.Packet))
        {
            // B's real packets, replayed from A's address, and re-labelled with A's session id from an attacker.
            Assert.Equal(DatagramRoute.Dropped, harness.Server.Route(datagram, harness.ClientAddress(a), harness.NowMs, reply, out _, out _));
            var relabelled = datagram.ToArray();
            BinaryPrimitives.WriteUInt64BigEndian(relabelled.AsSpan(2), sessionA.SessionId);
            Assert.Equal(DatagramRoute.Dropped, harness.Server.Route(relabelled, Attacker, harness.NowMs, reply, out _, out _));
            BinaryPrimitives.WriteUInt64BigEndian(relabelled.AsSpan(2), sessionA.SessionId ^ 0x8000);
            Assert.Equal(DatagramRoute.Dropped, harness.Server.Route(relabelled, harness.ClientAddress(a), harness.NowMs, reply, out _, out _));
        }

        Assert.Equal(before, sessionA.Stats);
        Assert.Equal(1, delivered);
    }
}
