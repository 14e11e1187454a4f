using System.Net;
using TermChat.Protocol;
using TermChat.Protocol.Messages;
using TermChat.Protocol.Security;
using TermChat.Server.Security;
using TermChat.TestKit.Server;

namespace TermChat.Server.Tests;

/// <summary>TLS 1.3 and plaintext on one port, the plaintext policy, and the client key reaching the server, in every mode.</summary>
public sealed class TlsIntegrationTests
{
    [Theory]
    [MemberData(nameof(ModeData.All), MemberType = typeof(ModeData))]
    public async Task A_TLS_client_and_a_plaintext_client_chat_on_one_port(ServerMode mode)
    {
        using var logs = new HoldingLoggerFactory();
        using var serverKey = KeyFile.CreateEphemeral();
        await using var server = await TestServer.StartAsync(mode, o => o.Certificate = serverKey, logs);
        using var aliceKey = KeyFile.CreateEphemeral();
        await using var alice = await TestChatClient.ConnectTlsAsync(server.EndPoint, "alice", aliceKey);
        await using var bob = await server.ConnectAsync("bob");

        await alice.SendAsync(new SendMessage("#lobby", MessageKind.Say, "from the encrypted side"));
        var atBob = (RoomMessage)await bob.ExpectAsync(m => m is RoomMessage { Replay: false });
        await bob.SendAsync(new SendMessage("#lobby", MessageKind.Say, "from the plaintext side"));
        var atAlice = (RoomMessage)await alice.ExpectAsync(m => m is RoomMessage { From: "bob" });

        Assert.Equal(("alice", "from the encrypted side"), (atBob.From, atBob.Text));
        Assert.Equal("from the plaintext side", atAlice.Text);
        Assert.Equal(server.Server.KeyFingerprint, KeyFingerprint.Of(alice.ServerCertificate!));
        Assert.Equal(KeyFingerprint.Of(serverKey), server.Server.KeyFingerprint);
        // The server saw alice's key (the value nick ownership binds to) before her Hello was handled.
        Assert.Contains(logs.Lines, line => line.Contains($"client key {KeyFingerprint.Of(aliceKey)}", StringComparison.Ordinal));
        Assert.Equal(1, server.Server.Stats.TlsHandshakes);
    }

    [Theory]
    [MemberData(nameof(ModeData.All), MemberType = typeof(ModeData))]
    public async Task A_TLS_client_without_a_certificate_is_served_with_no_key(ServerMode mode)
    {
        using var logs = new HoldingLoggerFactory();
        await using var server = await TestServer.StartAsync(mode, loggerFactory: logs);
        await using var anonymous = await TestChatClient.ConnectTlsAsync(server.EndPoint, "anon");

        await anonymous.SendAsync(new SendMessage("#lobby", MessageKind.Say, "no key"));
        Assert.Equal("no key", ((RoomMessage)await anonymous.ExpectAsync(m => m is RoomMessage)).Text);
        Assert.Contains(logs.Lines, line => line.Contains("client key none", StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(ModeData.All), MemberType = typeof(ModeData))]
    public async Task A_server_that_requires_TLS_refuses_plaintext_with_a_reason(ServerMode mode)
    {
        await using var server = await TestServer.StartAsync(mode, o => o.Plaintext = PlaintextPolicy.Refuse);
        var refused = await Assert.ThrowsAsync<ServerErrorException>(() => server.ConnectAsync("downgrade"));
        Assert.Equal(ErrorCode.EncryptionRequired, refused.Error.Code);
        Assert.Contains("TLS", refused.Error.Text, StringComparison.Ordinal);

        await using var encrypted = await TestChatClient.ConnectTlsAsync(server.EndPoint, "encrypted");
        Assert.Equal("encrypted", encrypted.Nick);
    }

    [Theory]
    [MemberData(nameof(ModeData.All), MemberType = typeof(ModeData))]
    public async Task A_wiretap_sees_chat_text_in_plaintext_and_none_over_TLS(ServerMode mode)
    {
        await using var server = await TestServer.StartAsync(mode);
        await using var tap = new RecordingRelay(server.EndPoint);
        await using var reader = await server.ConnectAsync("reader");

        await using (var encrypted = await TestChatClient.ConnectTlsAsync(tap.EndPoint, "whisperer", KeyFile.CreateEphemeral()))
        {
            await encrypted.SendAsync(new SendMessage("#lobby", MessageKind.Say, "the vault code is 8841"));
            await reader.ExpectAsync(m => m is RoomMessage { Text: "the vault code is 8841" });
            await encrypted.ExpectAsync(m => m is RoomMessage { Text: "the vault code is 8841" });
        }
        Assert.NotEmpty(tap.Captured);
        Assert.False(tap.Contains("the vault code is 8841"));
        Assert.False(tap.Contains("whisperer"));
        Assert.False(tap.Contains("#lobby"));

        // The same tap on a plaintext client does see the text: the check above can fail.
        await using var plain = await TestChatClient.ConnectAsync(tap.EndPoint, "shouter");
        await plain.SendAsync(new SendMessage("#lobby", MessageKind.Say, "the gate code is 1234"));
        await reader.ExpectAsync(m => m is RoomMessage { Text: "the gate code is 1234" });
        await Eventually.TrueAsync(() => tap.Contains("the gate code is 1234"));
    }

    [Theory]
    [MemberData(nameof(ModeData.All), MemberType = typeof(ModeData))]
    public async Task A_TLS_subscriber_gets_a_long_burst_whole_and_in_order(ServerMode mode)
    {
        // Many frames coalesce into multi-record writes and reads: the select loop's in-memory TLS must carry them all.
        // 1.4 MB goes to each of the two, faster than a test client may read on a busy machine: the queue bound is not under test.
        await using var server = await TestServer.StartAsync(mode, o =>
        {
            o.FloodRate = 0;
            o.MaxSendQueueBytes = 16 * 1024 * 1024;
        });
        await using var listener = await TestChatClient.ConnectTlsAsync(server.EndPoint, "listener", KeyFile.CreateEphemeral());
        await using var talker = await TestChatClient.ConnectTlsAsync(server.EndPoint, "talker", KeyFile.CreateEphemeral());
        string padding = new('x', 900);
        await talker.SendManyAsync(Enumerable.Range(0, 1500).Select(i => new SendMessage("#lobby", MessageKind.Say, $"{i} {padding}")));

        var got = await listener.CollectUntilAsync(m => m is RoomMessage { Text: var t } && t.StartsWith("1499 ", StringComparison.Ordinal),
            TimeSpan.FromSeconds(60));
        var texts = got.OfType<RoomMessage>().Where(m => m.From == "talker").Select(m => m.Text.Split(' ')[0]).ToList();
        Assert.Equal(Enumerable.Range(0, 1500).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)), texts);
    }

    [Theory]
    [MemberData(nameof(ModeData.All), MemberType = typeof(ModeData))]
    public async Task A_peer_that_starts_TLS_and_sends_garbage_ends_only_its_own_connection(ServerMode mode)
    {
        await using var server = await TestServer.StartAsync(mode);
        await using var bystander = await TestChatClient.ConnectTlsAsync(server.EndPoint, "bystander", KeyFile.CreateEphemeral());
        await using var garbage = await TestChatClient.ConnectRawAsync(server.EndPoint);
        await garbage.SendRawAsync(new byte[] { TlsRecord.Handshake, 3, 1, 0, 5, 0xDE, 0xAD, 0xBE, 0xEF, 0x00 });
        await garbage.WaitClosedAsync();
        await Eventually.TrueAsync(() => server.Server.Stats.TlsFailures == 1);

        await bystander.SendAsync(new SendMessage("#lobby", MessageKind.Say, "still here"));
        Assert.Equal("still here", ((RoomMessage)await bystander.ExpectAsync(m => m is RoomMessage)).Text);
    }

    [Theory]
    [MemberData(nameof(ModeData.All), MemberType = typeof(ModeData))]
    public async Task A_peer_that_stalls_in_the_TLS_handshake_is_cut_off_by_the_handshake_timeout(ServerMode mode)
    {
        await using var server = await TestServer.StartAsync(mode, o =>
        {
            o.HandshakeTimeout = TimeSpan.FromMilliseconds(300);
            o.ShutdownDrain = TimeSpan.FromMilliseconds(500);
        });
        await using var staller = await TestChatClient.ConnectRawAsync(server.EndPoint);
        // The start of a ClientHello record header, then nothing.
        await staller.SendRawAsync(new byte[] { TlsRecord.Handshake, 3, 1 });
        await staller.WaitClosedAsync();
        await Eventually.TrueAsync(() => server.Server.ConnectionCount == 0);
    }

    [Theory]
    [MemberData(nameof(ModeData.All), MemberType = typeof(ModeData))]
    public async Task The_client_key_presented_over_TLS_owns_the_nick_against_another_key(ServerMode mode)
    {
        await using var server = await TestServer.StartAsync(mode, o => o.ResumeWindow = TimeSpan.Zero);
        using var owner = KeyFile.CreateEphemeral();
        await using (var first = await TestChatClient.ConnectTlsAsync(server.EndPoint, "keeper", owner))
        {
            await first.SendAsync(new Bye("bye"));
            await first.WaitClosedAsync();
        }

        var taken = await Assert.ThrowsAsync<ServerErrorException>(() => TestChatClient.ConnectTlsAsync(server.EndPoint, "keeper", KeyFile.CreateEphemeral()));
        Assert.Equal(ErrorCode.NickOwned, taken.Error.Code);
        await using var back = await TestChatClient.ConnectTlsAsync(server.EndPoint, "keeper", owner);
        Assert.Equal("keeper", back.Nick);
    }

    [Theory]
    [MemberData(nameof(ModeData.All), MemberType = typeof(ModeData))]
    public async Task A_tls_client_refused_by_a_full_server_reads_why_inside_tls_and_a_plaintext_one_in_plaintext(ServerMode mode)
    {
        await using var server = await TestServer.StartAsync(mode, o => o.MaxClients = 2);
        await using var first = await TestChatClient.ConnectTlsAsync(server.EndPoint, "first", KeyFile.CreateEphemeral());
        await using var second = await server.ConnectAsync("second");

        // The refusal is decided at accept, before the client's first byte: it waits for that byte, then the handshake.
        var encrypted = await Assert.ThrowsAsync<ServerErrorException>(() => TestChatClient.ConnectTlsAsync(server.EndPoint, "third", KeyFile.CreateEphemeral()));
        var plain = await Assert.ThrowsAsync<ServerErrorException>(() => server.ConnectAsync("fourth"));

        Assert.Equal(ErrorCode.ServerFull, encrypted.Error.Code);
        Assert.Equal(ErrorCode.ServerFull, plain.Error.Code);
        Assert.Empty((await second.BarrierAsync()).OfType<Error>());
    }

    [Theory]
    [MemberData(nameof(ModeData.All), MemberType = typeof(ModeData))]
    public async Task A_tls_client_over_the_per_address_limit_reads_why_inside_tls(ServerMode mode)
    {
        await using var server = await TestServer.StartAsync(mode, o => o.MaxPerIp = 1);
        await using var first = await TestChatClient.ConnectTlsAsync(server.EndPoint, "first", KeyFile.CreateEphemeral());

        var refused = await Assert.ThrowsAsync<ServerErrorException>(() => TestChatClient.ConnectTlsAsync(server.EndPoint, "second", KeyFile.CreateEphemeral()));

        Assert.Equal(ErrorCode.TooManyConnections, refused.Error.Code);
        Assert.Contains("connections", refused.Error.Text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("127.0.0.1", PlaintextPolicy.LoopbackOnly, true)]
    [InlineData("::1", PlaintextPolicy.LoopbackOnly, true)]
    [InlineData("::ffff:127.0.0.1", PlaintextPolicy.LoopbackOnly, true)]
    [InlineData("192.168.1.20", PlaintextPolicy.LoopbackOnly, false)]
    [InlineData("::ffff:10.0.0.7", PlaintextPolicy.LoopbackOnly, false)]
    [InlineData("fe80::1", PlaintextPolicy.LoopbackOnly, false)]
    [InlineData("192.168.1.20", PlaintextPolicy.Allow, true)]
    [InlineData("127.0.0.1", PlaintextPolicy.Refuse, false)]
    public void Plaintext_is_allowed_by_address_and_policy(string address, PlaintextPolicy policy, bool allowed)
    {
        using var key = KeyFile.CreateEphemeral();
        var tls = new ServerTls(key, policy);
        Assert.Equal(allowed, tls.PermitsPlaintext(new IPEndPoint(IPAddress.Parse(address), 40000)));
    }
}
