using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;
using TermChat.Client.Security;
using TermChat.Client.Transports;
using TermChat.Protocol;
using TermChat.Protocol.Messages;
using TermChat.Server;
using TermChat.Server.Security;
using TermChat.TestKit.Datagrams;
using TermChat.TestKit.Server;

namespace TermChat.Client.Tests.Transports;

/// <summary>
/// UDP over DTLS against a real server on real sockets, in every server mode: chat through the reliable layer inside
/// DTLS, the server key pinned like TLS's, the user key as the client certificate, refusals that say why.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class DtlsTransportTests : IDisposable
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);
    private readonly string _config = Directory.CreateTempSubdirectory("termchat-dtls-tests-").FullName;

    public void Dispose() => Directory.Delete(_config, recursive: true);

    private UdpTransportOptions Options(TlsMode tls = TlsMode.Require, bool trustNewKey = false, string identity = "identity") => new()
    {
        Tls = tls,
        KnownServers = new KnownServers(Path.Combine(_config, "known_servers")),
        Identity = new ClientIdentity(Path.Combine(_config, identity)),
        TrustNewKey = trustNewKey,
        // The machine running the tests may be loaded far beyond its cores: a DTLS handshake is several round trips
        // of public-key work, so it gets the whole wait rather than the 10 s default.
        ConnectTimeout = Wait,
    };

    private static Task<TestServer> StartAsync(ServerMode mode, Action<ServerOptions>? configure = null, HoldingLoggerFactory? logs = null) =>
        TestServer.StartAsync(mode, o =>
        {
            o.ServeUdp = true;
            o.ResumeWindow = TimeSpan.Zero;
            o.HandshakeTimeout = Wait;
            configure?.Invoke(o);
        }, loggerFactory: logs);

    private static async Task<T> NextAsync<T>(IChatTransport transport) where T : Message
    {
        using var timeout = new CancellationTokenSource(Wait);
        await foreach (var message in transport.Incoming.ReadAllAsync(timeout.Token))
        {
            if (message is T wanted)
            {
                return wanted;
            }
        }
        throw new InvalidOperationException($"The link ended before a {typeof(T).Name}.");
    }

    private static async Task JoinAsync(IChatTransport transport, string room)
    {
        await transport.SendAsync(new JoinRoom(room), CancellationToken.None);
        await NextAsync<RoomJoined>(transport);
    }

    private static async Task<Welcome> HelloAsync(IChatTransport transport, string nick)
    {
        await transport.SendAsync(new Hello(ProtocolLimits.Version, nick, default, []), CancellationToken.None);
        return await NextAsync<Welcome>(transport);
    }

    [Theory]
    [InlineData(ServerMode.Select)]
    [InlineData(ServerMode.Threads)]
    [InlineData(ServerMode.Async)]
    public async Task Two_clients_chat_over_DTLS_and_the_server_sees_each_user_key(ServerMode mode)
    {
        using var logs = new HoldingLoggerFactory();
        await using var server = await StartAsync(mode, logs: logs);
        var endpoint = new ChatEndpoint("127.0.0.1", server.EndPoint.Port);
        var aliceOptions = Options();
        await using var alice = new UdpTransport(aliceOptions);
        await using var bob = new UdpTransport(Options(identity: "bob-identity"));

        await alice.ConnectAsync(endpoint, CancellationToken.None).WaitAsync(Wait);
        await bob.ConnectAsync(endpoint, CancellationToken.None).WaitAsync(Wait);
        await HelloAsync(alice, "alice");
        await HelloAsync(bob, "bob");
        await JoinAsync(alice, "#dtls");
        await JoinAsync(bob, "#dtls");
        await bob.SendAsync(new SendMessage("#dtls", MessageKind.Say, "over DTLS"), CancellationToken.None);

        var heard = await NextAsync<RoomMessage>(alice);
        Assert.Equal(("bob", "over DTLS"), (heard.From, heard.Text));
        Assert.Equal("UDP+DTLS", alice.Name);
        Assert.Equal($"DTLS 1.2, first contact: server key {server.Server.KeyFingerprint} pinned (compare it with the server's banner)", alice.Security);
        // The key pinned over UDP is the key TLS shows: one pin for both.
        Assert.Equal(server.Server.KeyFingerprint, aliceOptions.KnownServers.Find(endpoint.ToString()));
        Assert.Contains(logs.Lines, line => line.Contains($"client key {aliceOptions.Identity.Fingerprint}", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_DTLS_connect_to_a_silent_port_times_out_asking_about_the_host_and_firewall()
    {
        using var silent = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        silent.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        var endpoint = new ChatEndpoint("127.0.0.1", ((IPEndPoint)silent.LocalEndPoint!).Port);
        var options = Options();
        options.ConnectTimeout = TimeSpan.FromMilliseconds(1500);
        await using var transport = new UdpTransport(options);

        var error = await Assert.ThrowsAsync<ChatConnectException>(() => transport.ConnectAsync(endpoint, CancellationToken.None));

        Assert.Equal(ConnectFailure.TimedOut, error.Failure);
        Assert.Equal("timed out after 1.5 s (is the host up, and is a firewall dropping the port?)", error.Reason);
    }

    [Fact]
    public async Task A_DTLS_handshake_that_the_server_answers_but_never_finishes_times_out_naming_the_handshake()
    {
        // A peer that answers every datagram with a handshake record BouncyCastle cannot use: it is there, the
        // handshake never gets on.
        using var answering = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        answering.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        var endpoint = new ChatEndpoint("127.0.0.1", ((IPEndPoint)answering.LocalEndPoint!).Port);
        using var stop = new CancellationTokenSource();
        var echo = Task.Run(async () =>
        {
            var buffer = new byte[2048];
            byte[] useless = [22, 0xFE, 0xFD, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0];
            while (!stop.IsCancellationRequested)
            {
                var received = await answering.ReceiveFromAsync(buffer, new IPEndPoint(IPAddress.Any, 0), stop.Token);
                await answering.SendToAsync(useless, received.RemoteEndPoint, stop.Token);
            }
        });
        var options = Options();
        options.ConnectTimeout = TimeSpan.FromMilliseconds(1500);
        await using var transport = new UdpTransport(options);

        var error = await Assert.ThrowsAsync<ChatConnectException>(() => transport.ConnectAsync(endpoint, CancellationToken.None));
        await stop.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => echo);

        Assert.Equal(ConnectFailure.TimedOut, error.Failure);
        Assert.Equal("timed out after 1.5 s in the DTLS handshake (the server answered: is the link losing many packets?)", error.Reason);
    }

    [Fact]
    public async Task A_server_restarted_with_a_new_key_is_refused_over_UDP_naming_both_keys_until_trusted_again()
    {
        string firstKey;
        int port;
        await using (var first = await StartAsync(ServerMode.Threads))
        {
            port = first.EndPoint.Port;
            firstKey = first.Server.KeyFingerprint;
            await using var transport = new UdpTransport(Options());
            await transport.ConnectAsync(new ChatEndpoint("127.0.0.1", port), CancellationToken.None).WaitAsync(Wait);
            await HelloAsync(transport, "before");
        }
        await using var second = await StartAsync(ServerMode.Threads, o => o.Port = port);
        string secondKey = second.Server.KeyFingerprint;
        var endpoint = new ChatEndpoint("127.0.0.1", port);

        await using (var refused = new UdpTransport(Options()))
        {
            var error = await Assert.ThrowsAsync<ChatConnectException>(() => refused.ConnectAsync(endpoint, CancellationToken.None).WaitAsync(Wait));
            Assert.Equal(ConnectFailure.UntrustedKey, error.Failure);
            Assert.Equal($"cannot connect to {endpoint}: the server's key has CHANGED: pinned {firstKey}, now {secondKey}. Someone may be intercepting the connection; " +
                "if the server really has a new key, connect once with --trust-new-key", error.Message);
        }
        Assert.Equal(firstKey, Options().KnownServers.Find(endpoint.ToString()));

        await using var retrusted = new UdpTransport(Options(trustNewKey: true));
        await retrusted.ConnectAsync(endpoint, CancellationToken.None).WaitAsync(Wait);
        await HelloAsync(retrusted, "after");
        Assert.Equal($"DTLS 1.2, server key changed from {firstKey} to {secondKey}: trusted as asked (--trust-new-key)", retrusted.Security);
    }

    [Theory]
    [InlineData(ServerMode.Select)]
    [InlineData(ServerMode.Async)]
    public async Task A_plaintext_UDP_client_is_told_the_server_requires_encryption(ServerMode mode)
    {
        await using var server = await StartAsync(mode, o => o.Plaintext = PlaintextPolicy.Refuse);
        await using var transport = new UdpTransport(Options(TlsMode.Off));
        await transport.ConnectAsync(new ChatEndpoint("127.0.0.1", server.EndPoint.Port), CancellationToken.None).WaitAsync(Wait);
        try
        {
            await transport.SendAsync(new Hello(ProtocolLimits.Version, "plain", default, []), CancellationToken.None);
        }
        catch (ChatLinkException)
        {
            // The server refuses as soon as the datagram session opens; the refusal may close the link before the
            // Hello is queued, and the Error is still there to read.
        }

        var error = await NextAsync<Error>(transport);

        Assert.Equal(ErrorCode.EncryptionRequired, error.Code);
        Assert.Contains("only encrypted (DTLS)", error.Text, StringComparison.Ordinal);
        Assert.Equal("UDP", transport.Name);
    }

    [Theory]
    [InlineData(TlsMode.Auto, "UDP")]
    [InlineData(TlsMode.Require, "UDP+DTLS")]
    [InlineData(TlsMode.Off, "UDP")]
    public async Task A_UDP_link_to_loopback_is_plaintext_by_default_and_DTLS_when_told(TlsMode tls, string name)
    {
        await using var server = await StartAsync(ServerMode.Async);
        await using var transport = new UdpTransport(Options(tls));
        await transport.ConnectAsync(new ChatEndpoint("127.0.0.1", server.EndPoint.Port), CancellationToken.None).WaitAsync(Wait);

        await HelloAsync(transport, "looped");

        Assert.Equal(name, transport.Name);
        Assert.Equal(tls == TlsMode.Require, transport.Security is not null);
    }

    [Fact]
    public async Task A_nick_taken_over_DTLS_belongs_to_that_key_and_is_refused_to_another()
    {
        await using var server = await StartAsync(ServerMode.Async);
        var endpoint = new ChatEndpoint("127.0.0.1", server.EndPoint.Port);
        await using (var owner = new UdpTransport(Options()))
        {
            await owner.ConnectAsync(endpoint, CancellationToken.None).WaitAsync(Wait);
            await HelloAsync(owner, "keeper");
            await owner.SendAsync(new Bye("done"), CancellationToken.None);
        }

        await using var other = new UdpTransport(Options(identity: "other-identity"));
        await other.ConnectAsync(endpoint, CancellationToken.None).WaitAsync(Wait);
        await other.SendAsync(new Hello(ProtocolLimits.Version, "keeper", default, []), CancellationToken.None);
        var refused = await NextAsync<Error>(other);
        Assert.Equal(ErrorCode.NickOwned, refused.Code);

        await using var back = new UdpTransport(Options());
        await back.ConnectAsync(endpoint, CancellationToken.None).WaitAsync(Wait);
        Assert.Equal("keeper", (await HelloAsync(back, "keeper")).Nick);
    }

    [Theory]
    [InlineData(TlsMode.Require, false)]
    [InlineData(TlsMode.Off, true)]
    public async Task A_wiretap_on_the_UDP_path_reads_chat_only_when_the_link_is_plaintext(TlsMode tls, bool readable)
    {
        await using var server = await StartAsync(ServerMode.Async);
        var tap = new ConcurrentQueue<byte[]>();
        await using var relay = new LossyUdpRelay(new IPEndPoint(IPAddress.Loopback, server.EndPoint.Port), LinkConditions.Perfect);
        relay.OnDatagram = (_, datagram) => tap.Enqueue(datagram);
        var endpoint = new ChatEndpoint("127.0.0.1", relay.Endpoint.Port);
        await using var alice = new UdpTransport(Options(tls));
        await using var bob = new UdpTransport(Options(tls, identity: "bob-identity"));
        await alice.ConnectAsync(endpoint, CancellationToken.None).WaitAsync(Wait);
        await bob.ConnectAsync(endpoint, CancellationToken.None).WaitAsync(Wait);
        await HelloAsync(alice, "wiretapped");
        await HelloAsync(bob, "listener");
        await JoinAsync(alice, "#secretroom");
        await JoinAsync(bob, "#secretroom");
        await alice.SendAsync(new SendMessage("#secretroom", MessageKind.Say, "the launch code is swordfish"), CancellationToken.None);
        Assert.Equal("the launch code is swordfish", (await NextAsync<RoomMessage>(bob)).Text);

        // Everything that crossed the relay, both ways, as one string per datagram (latin-1 keeps every byte).
        var captured = tap.Select(bytes => Encoding.Latin1.GetString(bytes)).ToList();
        Assert.True(captured.Count > 10);
        foreach (string secret in new[] { "swordfish", "secretroom", "wiretapped", "listener" })
        {
            Assert.Equal(readable, captured.Any(text => text.Contains(secret, StringComparison.Ordinal)));
        }
        // Every datagram on an encrypted link is a DTLS record; on a plaintext link none is.
        Assert.Equal(!readable, tap.All(bytes => bytes[0] is >= 20 and <= 25));
    }

    [Theory]
    [InlineData(ServerMode.Select)]
    [InlineData(ServerMode.Threads)]
    [InlineData(ServerMode.Async)]
    public async Task Forged_DTLS_records_and_garbage_from_another_address_change_nothing(ServerMode mode)
    {
        await using var server = await StartAsync(mode);
        var endpoint = new ChatEndpoint("127.0.0.1", server.EndPoint.Port);
        await using var alice = new UdpTransport(Options());
        await alice.ConnectAsync(endpoint, CancellationToken.None).WaitAsync(Wait);
        await HelloAsync(alice, "target");
        await JoinAsync(alice, "#hostile");

        var random = new Random(16);
        using var stranger = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        var serverUdp = new IPEndPoint(IPAddress.Loopback, server.EndPoint.Port);
        for (int i = 0; i < 2000; i++)
        {
            byte[] datagram = new byte[random.Next(1, 1300)];
            random.NextBytes(datagram);
            switch (i % 5)
            {
                case 0:
                    // An application_data record of the live epoch with a made-up sequence number and tag.
                    datagram = new byte[random.Next(13 + 17, 1232)];
                    random.NextBytes(datagram);
                    datagram[0] = 23;
                    datagram[1] = 0xFE;
                    datagram[2] = 0xFD;
                    datagram[3] = 0;
                    datagram[4] = 1;
                    datagram[11] = (byte)((datagram.Length - 13) >> 8);
                    datagram[12] = (byte)(datagram.Length - 13);
                    break;
                case 1:
                    // A ClientHello-shaped record (content type 22, epoch 0, handshake type 1) full of noise.
                    if (datagram.Length > 14)
                    {
                        datagram[0] = 22;
                        datagram[3] = 0;
                        datagram[4] = 0;
                        datagram[13] = 1;
                    }
                    break;
                case 2:
                    // A plaintext datagram of the reliable layer: must not reach the encrypted session.
                    datagram[0] = 0xD1;
                    break;
                default:
                    datagram[0] = (byte)random.Next(20, 26);
                    break;
            }
            stranger.SendTo(datagram, serverUdp);
        }

        await alice.SendAsync(new SendMessage("#hostile", MessageKind.Say, "still here"), CancellationToken.None);
        var echoed = await NextAsync<RoomMessage>(alice);
        Assert.Equal(("target", "still here"), (echoed.From, echoed.Text));
        Assert.Equal(1, server.Server.Stats.Connections);
    }
}
