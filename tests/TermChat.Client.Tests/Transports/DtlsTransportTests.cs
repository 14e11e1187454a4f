using TermChat.Client.Security;
using TermChat.Client.Transports;
using TermChat.Protocol;
using TermChat.Protocol.Messages;
using TermChat.Server;
using TermChat.Server.Security;
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
    };

    private static Task<TestServer> StartAsync(ServerMode mode, Action<ServerOptions>? configure = null, HoldingLoggerFactory? logs = null) =>
        TestServer.StartAsync(mode, o =>
        {
            o.ServeUdp = true;
            o.ResumeWindow = TimeSpan.Zero;
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
        await alice.SendAsync(new JoinRoom("#dtls"), CancellationToken.None);
        await NextAsync<RoomJoined>(alice);
        await bob.SendAsync(new JoinRoom("#dtls"), CancellationToken.None);
        await NextAsync<RoomJoined>(bob);
        await bob.SendAsync(new SendMessage("#dtls", MessageKind.Say, "over DTLS"), CancellationToken.None);

        var heard = await NextAsync<RoomMessage>(alice);
        Assert.Equal(("bob", "over DTLS"), (heard.From, heard.Text));
        Assert.Equal("UDP+DTLS", alice.Name);
        Assert.Equal($"DTLS 1.2, first contact: server key {server.Server.KeyFingerprint} pinned (compare it with the server's banner)", alice.Security);
        // The key pinned over UDP is the key TLS shows: one pin for both.
        Assert.Equal(server.Server.KeyFingerprint, aliceOptions.KnownServers.Find(endpoint.ToString()));
        Assert.Contains(logs.Lines, line => line.Contains($"client key {aliceOptions.Identity.Fingerprint}", StringComparison.Ordinal));
    }
}
