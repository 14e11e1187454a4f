using System.Net;
using System.Net.Sockets;
using TermChat.Client.Security;
using TermChat.Client.Transports;
using TermChat.Protocol;
using TermChat.Protocol.Messages;
using TermChat.Protocol.Security;
using TermChat.Server;
using TermChat.TestKit.Server;

namespace TermChat.Client.Tests.Transports;

/// <summary>The client side of TLS against a real server: pinning on first use, a changed key, the client key, no fallback.</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class TlsTransportTests : IDisposable
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);
    private readonly string _config = Directory.CreateTempSubdirectory("termchat-tls-tests-").FullName;

    public void Dispose() => Directory.Delete(_config, recursive: true);

    private TcpTransportOptions Options(bool trustNewKey = false) => new()
    {
        Tls = TlsMode.Require,
        KnownServers = new KnownServers(Path.Combine(_config, "known_servers")),
        Identity = new ClientIdentity(Path.Combine(_config, "identity")),
        TrustNewKey = trustNewKey,
    };

    private static async Task<Welcome> HelloAsync(TcpTransport transport, string nick)
    {
        await transport.SendAsync(new Hello(ProtocolLimits.Version, nick, default, []), CancellationToken.None);
        while (true)
        {
            var message = await transport.Incoming.ReadAsync().AsTask().WaitAsync(Wait);
            if (message is Welcome welcome) return welcome;
        }
    }

    [Fact]
    public async Task First_contact_pins_the_server_key_says_so_and_presents_the_user_key()
    {
        using var logs = new HoldingLoggerFactory();
        await using var server = await TestServer.StartAsync(ServerMode.Async, loggerFactory: logs);
        var endpoint = new ChatEndpoint("127.0.0.1", server.EndPoint.Port);
        var options = Options();
        await using var transport = new TcpTransport(options);

        await transport.ConnectAsync(endpoint, CancellationToken.None).WaitAsync(Wait);
        await HelloAsync(transport, "pinner");

        Assert.Equal("TCP+TLS", transport.Name);
        Assert.Equal($"TLS 1.3, first contact: server key {server.Server.KeyFingerprint} pinned (compare it with the server's banner)", transport.Security);
        Assert.Equal(server.Server.KeyFingerprint, options.KnownServers.Find(endpoint.ToString()));
        Assert.Contains($"{endpoint} {server.Server.KeyFingerprint}", File.ReadAllLines(options.KnownServers.Path));
        // The user's key was made on first use, private to the user, and is the key the server saw.
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(options.Identity.Path));
        Assert.Contains(logs.Lines, line => line.Contains($"client key {options.Identity.Fingerprint}", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_server_restarted_with_a_new_key_is_refused_naming_both_keys_until_trusted_again()
    {
        string firstKey, secondKey;
        int port;
        await using (var first = await TestServer.StartAsync(ServerMode.Select))
        {
            port = first.EndPoint.Port;
            firstKey = first.Server.KeyFingerprint;
            await using var transport = new TcpTransport(Options());
            await transport.ConnectAsync(new ChatEndpoint("127.0.0.1", port), CancellationToken.None).WaitAsync(Wait);
            await HelloAsync(transport, "before");
        }
        await using var second = await TestServer.StartAsync(ServerMode.Select, o => o.Port = port);
        secondKey = second.Server.KeyFingerprint;
        var endpoint = new ChatEndpoint("127.0.0.1", port);

        await using (var refused = new TcpTransport(Options()))
        {
            var error = await Assert.ThrowsAsync<ChatConnectException>(() => refused.ConnectAsync(endpoint, CancellationToken.None).WaitAsync(Wait));
            Assert.Equal(ConnectFailure.UntrustedKey, error.Failure);
            Assert.Equal($"cannot connect to {endpoint}: the server's key has CHANGED: pinned {firstKey}, now {secondKey}. Someone may be intercepting the connection; " +
                "if the server really has a new key, connect once with --trust-new-key", error.Message);
        }
        Assert.Equal(firstKey, Options().KnownServers.Find(endpoint.ToString()));

        await using (var retrusted = new TcpTransport(Options(trustNewKey: true)))
        {
            await retrusted.ConnectAsync(endpoint, CancellationToken.None).WaitAsync(Wait);
            await HelloAsync(retrusted, "after");
            Assert.Equal($"TLS 1.3, server key changed from {firstKey} to {secondKey}: trusted as asked (--trust-new-key)", retrusted.Security);
        }
        Assert.Equal(secondKey, Options().KnownServers.Find(endpoint.ToString()));

        // From now on the new key is the pinned one: no flag needed.
        await using var again = new TcpTransport(Options());
        await again.ConnectAsync(endpoint, CancellationToken.None).WaitAsync(Wait);
        Assert.Equal($"TLS 1.3, server key {secondKey} (pinned)", again.Security);
    }

    [Fact]
    public async Task A_peer_that_does_not_speak_TLS_fails_the_connect_and_gets_no_plaintext()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        await using var transport = new TcpTransport(Options());
        var accept = listener.AcceptSocketAsync();
        var connect = transport.ConnectAsync(new ChatEndpoint("127.0.0.1", ((IPEndPoint)listener.LocalEndpoint).Port), CancellationToken.None);
        using var peer = await accept.WaitAsync(Wait);
        byte[] received = new byte[4096];
        int count = await peer.ReceiveAsync(received, SocketFlags.None).WaitAsync(Wait);
        // An older server answers TLS with a TermChat Error frame and closes.
        await peer.SendAsync(Protocol.Codec.FrameEncoder.ToArray(new Error(ErrorCode.FrameTooLarge, "too large")), SocketFlags.None);
        peer.Shutdown(SocketShutdown.Both);

        var error = await Assert.ThrowsAsync<ChatConnectException>(() => connect.WaitAsync(Wait));
        Assert.Equal(ConnectFailure.Protocol, error.Failure);
        Assert.Contains("the TLS handshake failed", error.Message, StringComparison.Ordinal);
        Assert.Equal(TlsRecord.Handshake, received[0]);
        Assert.True(count > 0);
        // No fallback: nothing but the ClientHello was ever sent.
        Assert.Equal(0, peer.Available);
    }

    [Theory]
    [InlineData(TlsMode.Auto, "127.0.0.1", false)]
    [InlineData(TlsMode.Auto, "::1", false)]
    [InlineData(TlsMode.Auto, "::ffff:127.0.0.1", false)]
    [InlineData(TlsMode.Auto, "192.168.1.20", true)]
    [InlineData(TlsMode.Auto, "fd00::7", true)]
    [InlineData(TlsMode.Require, "127.0.0.1", true)]
    [InlineData(TlsMode.Off, "192.168.1.20", false)]
    [InlineData(TlsMode.Off, "127.0.0.1", false)]
    public void Links_are_encrypted_to_every_address_but_loopback_unless_told(TlsMode mode, string address, bool tls)
    {
        Assert.Equal(tls, LinkEncryption.IsOn(mode, new IPEndPoint(IPAddress.Parse(address), 7777)));
    }

    [Fact]
    public void Hand_edited_lines_in_known_servers_that_are_not_pins_are_ignored()
    {
        var pins = new KnownServers(Path.Combine(_config, "known_servers"));
        string key = KeyFingerprint.Of(new byte[] { 1, 2, 3 });
        File.WriteAllLines(pins.Path, ["# comment", "", "junk", "host:1 not-a-fingerprint", $"host:2 {key} trailing words"]);

        Assert.Null(pins.Find("host:1"));
        Assert.Equal(key, pins.Find("HOST:2"));
        Assert.Equal(ServerKeyStatus.New, pins.Check("host:3", key, trustNewKey: false).Status);
        Assert.Equal(key, pins.Find("host:3"));
    }

    [Fact]
    public void An_identity_file_others_can_read_is_refused_with_the_fix()
    {
        string path = Path.Combine(_config, "identity");
        var identity = new ClientIdentity(path);
        string fingerprint = identity.Fingerprint;
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);

        var error = Assert.Throws<KeyFileException>(() => new ClientIdentity(path).Certificate);
        Assert.Equal($"the key file {path} can be read by other users; run 'chmod 600 {path}' (or delete it to make a new key)", error.Message);

        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        Assert.Equal(fingerprint, new ClientIdentity(path).Fingerprint);
    }

    [Fact]
    public void An_identity_file_without_a_key_is_refused_with_the_fix()
    {
        string path = Path.Combine(_config, "identity");
        File.WriteAllText(path, "not a key");
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);

        var error = Assert.Throws<KeyFileException>(() => new ClientIdentity(path).Certificate);
        Assert.Equal($"the key file {path} holds no ECDSA private key in PEM form; delete it to make a new key", error.Message);
    }
}
