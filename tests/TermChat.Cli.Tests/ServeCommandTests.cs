using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;
using TermChat.Protocol;
using TermChat.Protocol.Messages;
using TermChat.TestKit.Server;

namespace TermChat.Cli.Tests;

/// <summary>`termchat serve` end to end: the real binary as a child process.</summary>
public sealed partial class ServeCommandTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    [Theory]
    [InlineData("select")]
    [InlineData("threads")]
    [InlineData("async")]
    public async Task Serve_prints_where_to_connect_serves_chat_and_stops_cleanly_on_sigterm(string mode)
    {
        using var server = ServerProcess.Start("serve", "--mode", mode, "--port", "0", "--bind", "127.0.0.1", "--stats-interval", "0", "--motd", "hello from the test");
        int port = await server.WaitForPortAsync();
        Assert.Contains($"running in {mode} mode", server.Output, StringComparison.Ordinal);
        Assert.Contains($"termchat join 127.0.0.1:{port}", server.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("0.0.0.0", server.Output, StringComparison.Ordinal);

        var endpoint = new IPEndPoint(IPAddress.Loopback, port);
        await using var alice = await TestChatClient.ConnectAsync(endpoint, "alice");
        await using var bob = await TestChatClient.ConnectAsync(endpoint, "bob");
        Assert.Equal(("hello from the test", mode), (alice.Welcome!.Motd, alice.Welcome.Mode));
        await alice.SendAsync(new SendMessage("#lobby", MessageKind.Say, "over the real binary"));
        var message = (RoomMessage)await bob.ExpectAsync(m => m is RoomMessage { Replay: false });
        Assert.Equal(("alice", "over the real binary"), (message.From, message.Text));

        server.SendSigterm();
        foreach (var client in new[] { alice, bob })
        {
            Assert.Equal(new Error(ErrorCode.ServerShutdown, "server shutting down"), await client.ReceiveAsync<Error>());
            await client.WaitClosedAsync();
        }
        Assert.Equal(0, await server.WaitForExitAsync());
        Assert.DoesNotContain("Unhandled", server.Errors, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Serve_with_an_irc_port_prints_it_and_irc_clients_chat_with_termchat_clients()
    {
        using var server = ServerProcess.Start("serve", "--port", "0", "--irc-port", "0", "--bind", "127.0.0.1", "--stats-interval", "0", "--ephemeral", "--name", "cli");
        int port = await server.WaitForPortAsync();
        var match = System.Text.RegularExpressions.Regex.Match(server.Output, @"IRC port (\d+) ");
        Assert.True(match.Success, server.Output);
        var ircEndPoint = new IPEndPoint(IPAddress.Loopback, int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture));

        await using var alice = await TestChatClient.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port), "alice");
        using var irc = await TermChat.TestKit.Irc.IrcPeer.RegisterAsync(ircEndPoint, "ircuser");
        await irc.SendAsync("PRIVMSG #lobby :from irc\r\n");
        var message = (RoomMessage)await alice.ExpectAsync(m => m is RoomMessage { Replay: false });
        Assert.Equal(("ircuser", "from irc"), (message.From, message.Text));

        server.SendSigterm();
        Assert.Equal("ERROR :Closing Link: Server shutting down", (await irc.ReadToEndAsync()).Last());
        Assert.Equal(0, await server.WaitForExitAsync());
    }

    [Fact]
    public async Task An_irc_port_in_use_gives_one_clear_line_naming_the_option()
    {
        using var taken = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        int ircPort = ((IPEndPoint)taken.LocalEndpoint).Port;
        using var server = ServerProcess.Start("serve", "--port", "0", "--irc-port", ircPort.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--ephemeral");
        Assert.Equal(1, await server.WaitForExitAsync());
        var line = Assert.Single(server.ErrorLines);
        Assert.Contains($"--irc-port {ircPort} is already in use", line, StringComparison.Ordinal);
        Assert.DoesNotContain(" at ", server.Errors, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sigterm_still_exits_cleanly_when_a_client_never_reads_or_closes()
    {
        using var server = ServerProcess.Start("serve", "--port", "0", "--bind", "127.0.0.1", "--stats-interval", "0");
        int port = await server.WaitForPortAsync();
        using var stubborn = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await stubborn.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port));
        await stubborn.SendAsync(TermChat.Protocol.Codec.FrameEncoder.ToArray(new Hello(ProtocolLimits.Version, "stubborn", default, Array.Empty<RoomCursor>())), SocketFlags.None);
        // A second client proves the first was admitted before the signal.
        await using var probe = await TestChatClient.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port), "probe");
        await probe.ExpectAsync(m => m is RoomEvent { Kind: RoomEventKind.Join } e && e.Nick == "probe");

        server.SendSigterm();
        Assert.Equal(0, await server.WaitForExitAsync());
        Assert.Contains("stopped", server.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_port_in_use_gives_one_clear_line_and_a_nonzero_exit()
    {
        using var occupant = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        occupant.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        occupant.Listen();
        int port = ((IPEndPoint)occupant.LocalEndPoint!).Port;

        using var server = ServerProcess.Start("serve", "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1");
        Assert.Equal(1, await server.WaitForExitAsync());
        var line = Assert.Single(server.ErrorLines);
        Assert.Contains($"port {port} is already in use", line, StringComparison.Ordinal);
        Assert.Contains("--port", line, StringComparison.Ordinal);
        Assert.DoesNotContain(" at ", server.Errors, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_bind_address_not_on_this_host_gives_one_clear_line_and_a_nonzero_exit()
    {
        using var server = ServerProcess.Start("serve", "--port", "0", "--bind", "203.0.113.77");
        Assert.Equal(1, await server.WaitForExitAsync());
        var line = Assert.Single(server.ErrorLines);
        Assert.Contains("203.0.113.77", line, StringComparison.Ordinal);
        Assert.Contains("not on this host", line, StringComparison.Ordinal);
        Assert.DoesNotContain(" at ", server.Errors, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_bind_value_that_is_not_an_address_is_a_usage_error()
    {
        using var server = ServerProcess.Start("serve", "--bind", "not-an-address");
        Assert.Equal(2, await server.WaitForExitAsync());
        Assert.Contains("not-an-address", Assert.Single(server.ErrorLines), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Serve_help_lists_every_limit_option()
    {
        using var help = ServerProcess.Start("serve", "--help");
        Assert.Equal(0, await help.WaitForExitAsync());
        foreach (var option in new[] { "--mode", "--port", "--bind", "--max-clients", "--motd", "--log-level", "--max-frame", "--handshake-timeout",
                     "--idle-timeout", "--flood-burst", "--flood-rate", "--max-sendq", "--max-per-ip", "--history" })
        {
            Assert.Contains(option, help.Output, StringComparison.Ordinal);
        }
    }
}
