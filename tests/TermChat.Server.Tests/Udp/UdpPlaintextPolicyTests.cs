using System.Net;
using Microsoft.Extensions.Logging.Abstractions;
using TermChat.Client.Security;
using TermChat.Client.Transports;
using TermChat.Protocol;
using TermChat.Protocol.Messages;
using TermChat.Protocol.Security;
using TermChat.Server.Security;
using TermChat.Server.Udp;
using TermChat.TestKit.Server;

namespace TermChat.Server.Tests.Udp;

/// <summary>
/// The plaintext policy on UDP, for a client that is not on loopback: the server's UDP handler sees its clients at a
/// documentation address (<see cref="ElsewhereHandler"/>) while every datagram stays on loopback. By default such a
/// client must use DTLS, as a TCP client from another machine must use TLS; <c>--allow-plaintext</c> lets it in plain.
/// </summary>
public sealed class UdpPlaintextPolicyTests : IDisposable
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);
    private static readonly IPAddress Elsewhere = IPAddress.Parse("198.51.100.7");
    private readonly string _config = Directory.CreateTempSubdirectory("termchat-udp-policy-tests-").FullName;

    public void Dispose() => Directory.Delete(_config, recursive: true);

    private UdpTransportOptions ClientOptions(TlsMode tls) => new()
    {
        Tls = tls,
        KnownServers = new KnownServers(Path.Combine(_config, "known_servers")),
        Identity = new ClientIdentity(Path.Combine(_config, "identity")),
        ConnectTimeout = Wait,
    };

    /// <summary>A server whose UDP clients all seem to be at <see cref="Elsewhere"/>, under <paramref name="policy"/>.</summary>
    private static async Task<(TestServer Server, ElsewhereHandler Handler)> StartAsync(ServerMode mode, PlaintextPolicy policy)
    {
        var options = TestServer.Options(mode);
        options.ServeUdp = true;
        options.ResumeWindow = TimeSpan.Zero;
        options.HandshakeTimeout = Wait;
        options.Plaintext = policy;
        options.Certificate = KeyFile.CreateEphemeral();
        ElsewhereHandler? handler = null;
        var server = await TestServer.StartAsync(ChatServer.Create(options, NullLoggerFactory.Instance,
            wire => handler = new ElsewhereHandler(
                new UdpChatHandler(wire, NullLogger.Instance, options.Datagrams, new ServerTls(options.Certificate, policy)), Elsewhere),
            datagramWire: null));
        return (server, handler!);
    }

    /// <summary>Sends Hello and returns the server's answer: a Welcome, or the Error that refused the link.</summary>
    private static async Task<Message> HelloAsync(UdpTransport transport, string nick)
    {
        try
        {
            await transport.SendAsync(new Hello(ProtocolLimits.Version, nick, default, []), CancellationToken.None);
        }
        catch (ChatLinkException)
        {
            // A refused session is closed as soon as it opens: the Hello may meet a closed link, and the server's
            // Error is still there to read.
        }
        using var timeout = new CancellationTokenSource(Wait);
        await foreach (var message in transport.Incoming.ReadAllAsync(timeout.Token))
        {
            if (message is Welcome or Error)
            {
                return message;
            }
        }
        throw new InvalidOperationException("The link ended before a Welcome or an Error.");
    }

    [Theory]
    [MemberData(nameof(ModeData.All), MemberType = typeof(ModeData))]
    public async Task A_plaintext_UDP_client_on_another_machine_is_refused_by_default_and_told_why(ServerMode mode)
    {
        var (server, handler) = await StartAsync(mode, PlaintextPolicy.LoopbackOnly);
        await using var _ = server;
        await using var transport = new UdpTransport(ClientOptions(TlsMode.Off));
        await transport.ConnectAsync(new ChatEndpoint("127.0.0.1", server.EndPoint.Port), CancellationToken.None).WaitAsync(Wait);

        var answer = await HelloAsync(transport, "plain");

        var error = Assert.IsType<Error>(answer);
        Assert.Equal(ErrorCode.EncryptionRequired, error.Code);
        Assert.Equal("This server accepts only encrypted (DTLS) datagrams from your address; use a TermChat client that speaks DTLS.", error.Text);
        Assert.Equal(0, handler.Unroutable);
    }

    [Theory]
    [MemberData(nameof(ModeData.All), MemberType = typeof(ModeData))]
    public async Task A_DTLS_client_on_another_machine_is_served_by_default(ServerMode mode)
    {
        var (server, handler) = await StartAsync(mode, PlaintextPolicy.LoopbackOnly);
        await using var _ = server;
        await using var transport = new UdpTransport(ClientOptions(TlsMode.Require));
        await transport.ConnectAsync(new ChatEndpoint("127.0.0.1", server.EndPoint.Port), CancellationToken.None).WaitAsync(Wait);

        var welcome = Assert.IsType<Welcome>(await HelloAsync(transport, "sealed"));

        Assert.Equal("sealed", welcome.Nick);
        Assert.Equal("UDP+DTLS", transport.Name);
        Assert.Equal(0, handler.Unroutable);
    }

    [Fact]
    public async Task With_allow_plaintext_a_plaintext_UDP_client_on_another_machine_is_served()
    {
        var (server, handler) = await StartAsync(ServerMode.Async, PlaintextPolicy.Allow);
        await using var _ = server;
        await using var transport = new UdpTransport(ClientOptions(TlsMode.Off));
        await transport.ConnectAsync(new ChatEndpoint("127.0.0.1", server.EndPoint.Port), CancellationToken.None).WaitAsync(Wait);

        var welcome = Assert.IsType<Welcome>(await HelloAsync(transport, "plain"));

        Assert.Equal("plain", welcome.Nick);
        Assert.Equal("UDP", transport.Name);
        Assert.Equal(0, handler.Unroutable);
    }
}
