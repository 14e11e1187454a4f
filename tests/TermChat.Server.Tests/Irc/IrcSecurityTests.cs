using System.Text;
using TermChat.Protocol;
using TermChat.Protocol.Messages;
using TermChat.Protocol.Security;
using TermChat.Server.Security;
using TermChat.TestKit.Irc;
using TermChat.TestKit.Server;

namespace TermChat.Server.Tests.Irc;

/// <summary>
/// TLS on the IRC port (the same first-byte detection and plaintext policy as every listener), the client key from a
/// TLS certificate, and SASL EXTERNAL and PLAIN, over real sockets in every mode with lines built by hand.
/// </summary>
public sealed class IrcSecurityTests
{
    private static Task<TestServer> StartAsync(ServerMode mode, Action<ServerOptions>? configure = null) =>
        IrcFrontEndTests.StartAsync(mode, configure);

    private static string Base64(string text) => Convert.ToBase64String(Encoding.UTF8.GetBytes(text));

    [Theory]
    [MemberData(nameof(ModeData.All), MemberType = typeof(ModeData))]
    public async Task An_irc_client_over_TLS_chats_with_a_plaintext_termchat_user_on_the_same_port(ServerMode mode)
    {
        using var serverKey = KeyFile.CreateEphemeral();
        await using var server = await StartAsync(mode, o => o.Certificate = serverKey);
        using var irc = await IrcPeer.ConnectTlsAsync(server.IrcEndPoint);
        await irc.SendAsync("NICK secure\r\nUSER secure 0 * :Secure\r\n");
        await irc.ExpectAsync(line => IrcPeer.Numeric(line) == "366");
        await using var bob = await server.ConnectAsync("bob");

        await irc.SendAsync("PRIVMSG #lobby :inside tls\r\n");
        Assert.Equal("inside tls", ((RoomMessage)await bob.ExpectAsync(m => m is RoomMessage { From: "secure" })).Text);
        await bob.SendAsync(new SendMessage("#lobby", MessageKind.Say, "outside tls"));
        Assert.Equal(":bob!bob@termchat PRIVMSG #lobby :outside tls", await irc.ExpectAsync(line => line.Contains("PRIVMSG")));
        Assert.Equal(KeyFingerprint.Of(serverKey), KeyFingerprint.Of(irc.ServerCertificate!));
        Assert.Equal(1, server.Server.Stats.TlsHandshakes);
    }

    [Theory]
    [MemberData(nameof(ModeData.All), MemberType = typeof(ModeData))]
    public async Task Plaintext_irc_is_refused_with_an_error_line_when_the_server_requires_TLS(ServerMode mode)
    {
        await using var server = await StartAsync(mode, o => o.Plaintext = PlaintextPolicy.Refuse);
        using var plain = await IrcPeer.ConnectAsync(server.IrcEndPoint);
        await plain.SendAsync("NICK plain\r\nUSER plain 0 * :Plain\r\n");
        Assert.Equal(["ERROR :Closing Link: This server accepts only encrypted (TLS) connections from your address; connect with TLS."],
            await plain.ReadToEndAsync());

        using var encrypted = await IrcPeer.ConnectTlsAsync(server.IrcEndPoint);
        await encrypted.SendAsync("NICK encrypted\r\nUSER encrypted 0 * :E\r\n");
        await encrypted.ExpectAsync(line => IrcPeer.Numeric(line) == "001");
    }

    [Theory]
    [MemberData(nameof(ModeData.All), MemberType = typeof(ModeData))]
    public async Task The_key_of_an_irc_clients_certificate_owns_its_nick_against_other_keys_and_plaintext(ServerMode mode)
    {
        await using var server = await StartAsync(mode);
        using var aliceKey = KeyFile.CreateEphemeral();
        using (var alice = await IrcPeer.ConnectTlsAsync(server.IrcEndPoint, aliceKey))
        {
            await alice.SendAsync("NICK alice\r\nUSER alice 0 * :Alice\r\nQUIT :bye\r\n");
            await alice.ReadToEndAsync();
        }

        using var plain = await IrcPeer.ConnectAsync(server.IrcEndPoint);
        await plain.SendAsync("NICK alice\r\nUSER alice 0 * :Mallory\r\n");
        Assert.StartsWith(":test.termchat 433 * alice :", await plain.ExpectAsync(line => IrcPeer.Numeric(line) == "433"), StringComparison.Ordinal);
        using var otherKey = await IrcPeer.ConnectTlsAsync(server.IrcEndPoint, KeyFile.CreateEphemeral());
        await otherKey.SendAsync("NICK alice\r\nUSER alice 0 * :Mallory\r\n");
        await otherKey.ExpectAsync(line => IrcPeer.Numeric(line) == "433");
        // A TermChat client with the same key is alice: the key is the identity, whatever the front end.
        await using var sameKey = await TestChatClient.ConnectTlsAsync(server.EndPoint, "alice", aliceKey);
        Assert.Equal("alice", sameKey.Nick);
    }

    [Theory]
    [MemberData(nameof(ModeData.All), MemberType = typeof(ModeData))]
    public async Task Sasl_external_logs_in_as_the_key_of_the_TLS_client_certificate(ServerMode mode)
    {
        await using var server = await StartAsync(mode);
        using var key = KeyFile.CreateEphemeral();
        string fingerprint = KeyFingerprint.Of(key);
        using var irc = await IrcPeer.ConnectTlsAsync(server.IrcEndPoint, key);
        await irc.SendAsync("CAP LS 302\r\nNICK keyed\r\nUSER keyed 0 * :Keyed\r\n");
        Assert.Equal(":test.termchat CAP * LS :server-time message-tags echo-message batch away-notify sasl=EXTERNAL,PLAIN",
            await irc.ExpectAsync(line => line.Contains(" CAP * LS ")));
        await irc.SendAsync("CAP REQ :sasl\r\n");
        await irc.ExpectAsync(line => line.Contains(" CAP * ACK "));
        await irc.SendAsync("AUTHENTICATE EXTERNAL\r\n");
        Assert.Equal("AUTHENTICATE +", await irc.ExpectAsync(line => line.StartsWith("AUTHENTICATE", StringComparison.Ordinal)));
        await irc.SendAsync("AUTHENTICATE +\r\n");
        Assert.Equal($":test.termchat 900 * keyed!keyed@termchat {fingerprint} :You are now logged in as {fingerprint}",
            await irc.ExpectAsync(line => IrcPeer.Numeric(line) == "900"));
        Assert.Equal(":test.termchat 903 * :SASL authentication successful", await irc.ExpectAsync(line => IrcPeer.Numeric(line) == "903"));
        await irc.SendAsync("CAP END\r\n");
        await irc.ExpectAsync(line => IrcPeer.Numeric(line) == "001");

        // An authorization identity naming the key itself is accepted too; anything else is not.
        using var named = await IrcPeer.ConnectTlsAsync(server.IrcEndPoint, key);
        await named.SendAsync($"CAP REQ :sasl\r\nAUTHENTICATE EXTERNAL\r\nAUTHENTICATE {Base64("SHA256:someone-else")}\r\nAUTHENTICATE EXTERNAL\r\nAUTHENTICATE {Base64(fingerprint)}\r\n");
        var answers = await named.CollectUntilAsync(line => IrcPeer.Numeric(line) == "903");
        Assert.Equal(["CAP", "AUTHENTICATE", "NOTICE", "904", "AUTHENTICATE", "900", "903"], answers.Select(IrcPeer.Numeric).ToArray());
        Assert.Contains("can only log in as your own key", answers[2], StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(ModeData.All), MemberType = typeof(ModeData))]
    public async Task Sasl_external_without_a_client_certificate_fails_and_the_client_still_registers(ServerMode mode)
    {
        await using var server = await StartAsync(mode);
        using var irc = await IrcPeer.ConnectAsync(server.IrcEndPoint);
        await irc.SendAsync("CAP LS\r\nCAP REQ :sasl\r\nAUTHENTICATE EXTERNAL\r\nAUTHENTICATE +\r\n");
        var answers = await irc.CollectUntilAsync(line => IrcPeer.Numeric(line) == "904");
        // Without 302 the cap has no value.
        Assert.Equal(":test.termchat CAP * LS :server-time message-tags echo-message batch away-notify sasl", answers[0]);
        Assert.Equal(":test.termchat NOTICE * :SASL: EXTERNAL needs a TLS client certificate, and this connection has none (irssi: -tls_cert).", answers[^2]);
        Assert.Equal(":test.termchat 904 * :SASL authentication failed", answers[^1]);
        await irc.SendAsync("NICK anon\r\nUSER anon 0 * :A\r\nCAP END\r\n");
        await irc.ExpectAsync(line => IrcPeer.Numeric(line) == "001");
    }

    [Theory]
    [MemberData(nameof(ModeData.All), MemberType = typeof(ModeData))]
    public async Task Sasl_plain_checks_the_server_password_and_stands_in_for_pass(ServerMode mode)
    {
        await using var server = await StartAsync(mode, o => o.Password = "letmein");
        using var wrong = await IrcPeer.ConnectAsync(server.IrcEndPoint);
        await wrong.SendAsync($"CAP REQ :sasl\r\nAUTHENTICATE PLAIN\r\nAUTHENTICATE {Base64("\0mallory\0guess")}\r\n");
        Assert.Equal(":test.termchat NOTICE * :SASL: That is not this server's password.", await wrong.ExpectAsync(line => line.Contains(" NOTICE ")));
        await wrong.ExpectAsync(line => IrcPeer.Numeric(line) == "904");
        await wrong.SendAsync("NICK mallory\r\nUSER mallory 0 * :M\r\nCAP END\r\n");
        Assert.Equal("ERROR :Closing Link: This server needs a password: join with --password (a client speaking protocol 3 or later).",
            (await wrong.ReadToEndAsync())[^1]);

        using var right = await IrcPeer.ConnectAsync(server.IrcEndPoint);
        await right.SendAsync($"CAP REQ :sasl\r\nNICK alice\r\nUSER alice 0 * :A\r\nAUTHENTICATE plain\r\nAUTHENTICATE {Base64("alice\0alice\0letmein")}\r\n");
        Assert.Equal(":test.termchat 900 * alice!alice@termchat alice :You are now logged in as alice", await right.ExpectAsync(line => IrcPeer.Numeric(line) == "900"));
        await right.ExpectAsync(line => IrcPeer.Numeric(line) == "903");
        await right.SendAsync("AUTHENTICATE PLAIN\r\nCAP END\r\n");
        await right.ExpectAsync(line => IrcPeer.Numeric(line) == "907");
        await right.ExpectAsync(line => IrcPeer.Numeric(line) == "001");
    }

    [Theory]
    [MemberData(nameof(ModeData.All), MemberType = typeof(ModeData))]
    public async Task Sasl_plain_on_a_server_without_a_password_fails_with_the_reason(ServerMode mode)
    {
        await using var server = await StartAsync(mode);
        using var irc = await IrcPeer.ConnectAsync(server.IrcEndPoint);
        await irc.SendAsync($"CAP REQ :sasl\r\nAUTHENTICATE PLAIN\r\nAUTHENTICATE {Base64("\0alice\0secret")}\r\n");
        Assert.Contains("This server has no password, and TermChat has no accounts", await irc.ExpectAsync(line => line.Contains(" NOTICE ")), StringComparison.Ordinal);
        await irc.ExpectAsync(line => IrcPeer.Numeric(line) == "904");
    }

    [Theory]
    [MemberData(nameof(ModeData.All), MemberType = typeof(ModeData))]
    public async Task A_long_plain_response_comes_in_pieces_of_400_and_an_exact_multiple_ends_with_a_plus(ServerMode mode)
    {
        // 298 bytes of password make "\0alice\0" + password 305 bytes: 408 of base64, one piece of 400 and one of 8.
        // 293 make 300 bytes: exactly 400 of base64, ended by "AUTHENTICATE +".
        foreach (int length in new[] { 298, 293 })
        {
            string password = new('p', length);
            await using var server = await StartAsync(mode, o => o.Password = password);
            using var irc = await IrcPeer.ConnectAsync(server.IrcEndPoint);
            string response = Base64("\0alice\0" + password);
            var lines = new StringBuilder("CAP REQ :sasl\r\nAUTHENTICATE PLAIN\r\n");
            for (int at = 0; at < response.Length; at += 400) lines.Append("AUTHENTICATE ").Append(response.AsSpan(at, Math.Min(400, response.Length - at))).Append("\r\n");
            if (response.Length % 400 == 0) lines.Append("AUTHENTICATE +\r\n");
            await irc.SendAsync(lines.ToString());
            await irc.ExpectAsync(line => IrcPeer.Numeric(line) == "903");
            await irc.SendAsync("NICK alice\r\nUSER alice 0 * :A\r\nCAP END\r\n");
            await irc.ExpectAsync(line => IrcPeer.Numeric(line) == "001");
        }
    }

    [Theory]
    [MemberData(nameof(ModeData.All), MemberType = typeof(ModeData))]
    public async Task Malformed_authenticate_lines_get_their_numerics_and_the_connection_goes_on(ServerMode mode)
    {
        await using var server = await StartAsync(mode, o => o.Password = "pw");
        using var irc = await IrcPeer.ConnectAsync(server.IrcEndPoint);
        string piece = new('A', 400);
        await irc.SendAsync(
            "AUTHENTICATE PLAIN\r\n" +                                             // no sasl cap yet: NOTICE, 904
            "CAP REQ :sasl\r\n" +                                                  // ACK
            "AUTHENTICATE\r\n" +                                                   // 461
            "AUTHENTICATE SCRAM-SHA-256\r\n" +                                     // 908, NOTICE, 904
            "AUTHENTICATE PLAIN\r\nAUTHENTICATE %%%not-base64%%%\r\n" +            // AUTHENTICATE +, NOTICE, 904
            $"AUTHENTICATE PLAIN\r\nAUTHENTICATE {piece}A\r\n" +                  // AUTHENTICATE +, 905 (a piece over 400)
            $"AUTHENTICATE PLAIN\r\n{string.Concat(Enumerable.Repeat($"AUTHENTICATE {piece}\r\n", 5))}" + // AUTHENTICATE +, 905 (over 1,600 in all)
            $"AUTHENTICATE PLAIN\r\nAUTHENTICATE {Base64("no separators")}\r\n" + // AUTHENTICATE +, NOTICE, 904
            $"AUTHENTICATE PLAIN\r\nAUTHENTICATE {Base64("bob\0alice\0pw")}\r\n" + // AUTHENTICATE +, NOTICE, 904 (acting for another)
            $"AUTHENTICATE PLAIN\r\nAUTHENTICATE {Base64("\0a b\0pw")}\r\n" +     // AUTHENTICATE +, NOTICE, 904 (a space in the name)
            "AUTHENTICATE PLAIN\r\nAUTHENTICATE *\r\n" +                           // AUTHENTICATE +, 906
            "AUTHENTICATE EXTERNAL\r\n" +                                          // AUTHENTICATE +
            "PASS pw\r\nNICK late\r\nUSER late 0 * :L\r\nCAP END\r\n");          // 906: registration ends the exchange
        var answers = await irc.CollectUntilAsync(line => IrcPeer.Numeric(line) == "001");
        Assert.Equal(
        [
            "NOTICE", "904", "CAP", "461", "908", "NOTICE", "904",
            "AUTHENTICATE", "NOTICE", "904",
            "AUTHENTICATE", "905",
            "AUTHENTICATE", "905",
            "AUTHENTICATE", "NOTICE", "904",
            "AUTHENTICATE", "NOTICE", "904",
            "AUTHENTICATE", "NOTICE", "904",
            "AUTHENTICATE", "906",
            "AUTHENTICATE", "906", "001",
        ], answers.Select(IrcPeer.Numeric).ToArray());
        Assert.Equal(":test.termchat NOTICE * :SASL: AUTHENTICATE needs the sasl capability: CAP REQ :sasl first.", answers[0]);
        Assert.Equal(":test.termchat 461 * AUTHENTICATE :Not enough parameters", answers[3]);
        Assert.Equal(":test.termchat 908 * EXTERNAL,PLAIN :are available SASL mechanisms", answers[4]);
        Assert.Equal(":test.termchat 905 * :SASL message too long", answers[11]);
        Assert.Equal(":test.termchat 906 * :SASL authentication aborted", answers[24]);

        // After registration SASL is over: the key and password were settled when the session began.
        await irc.ExpectAsync(line => IrcPeer.Numeric(line) == "366");
        await irc.SendAsync("AUTHENTICATE PLAIN\r\n");
        var late = await irc.BarrierAsync();
        Assert.Equal(
        [
            ":test.termchat NOTICE late :SASL: SASL comes before registration; this connection is registered already.",
            ":test.termchat 904 late :SASL authentication failed",
        ], late);
    }
}
