using System.Net;
using TermChat.Cli.Tests.EndToEnd;
using TermChat.Protocol.Messages;
using TermChat.Server;
using TermChat.TestKit.Server;

namespace TermChat.Cli.Tests.ServerIntegration;

/// <summary>`termchat join --plain` as a script uses it: the real binary, lines piped in at once.</summary>
public sealed class PlainModeProcessTests
{
    [Fact]
    public async Task Piped_lines_after_a_join_go_to_the_joined_room_not_the_one_before()
    {
        await using var server = await TestServer.StartAsync(ServerMode.Async, o => o.FloodRate = 500);
        await using var observer = await server.ConnectAsync("observer");
        await observer.SendAsync(new JoinRoom("#x4"));
        await observer.ExpectAsync(m => m is RoomJoined { Room: "#x4" });

        var (code, stdout, stderr) = await TermchatProcess.RunAsync(
            ["join", $"127.0.0.1:{server.EndPoint.Port}", "--plain", "--nick", "piper"],
            "hello\n/join #x4\nmsg in x4\n/join #lobby\nback in lobby\n");

        Assert.Equal(0, code);
        Assert.Empty(stderr);
        Assert.Contains(stdout, l => l.Contains("you joined #x4", StringComparison.Ordinal));
        var received = await observer.CollectUntilAsync(m => m is RoomMessage { Text: "back in lobby" });
        Assert.Equal(
            [("#lobby", "hello"), ("#x4", "msg in x4"), ("#lobby", "back in lobby")],
            received.OfType<RoomMessage>().Where(m => m.From == "piper").Select(m => (m.Room, m.Text)));
    }

    [Fact]
    public async Task Switching_to_udp_says_it_switched_and_shows_no_goodbye()
    {
        var (serverProcess, port) = await TermChatBinary.StartServerAsync("--bind", "127.0.0.1", "--no-discovery");
        try
        {
            await using var observer = await TestChatClient.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port), "observer");

            var (code, stdout, stderr) = await TermchatProcess.RunAsync(
                ["join", $"127.0.0.1:{port}", "--plain", "--nick", "switcher"], "/transport udp\nhello over udp\n");

            Assert.Equal(0, code);
            Assert.Empty(stderr);
            Assert.Contains(stdout, l => l.Contains("switched to UDP", StringComparison.Ordinal));
            Assert.DoesNotContain(stdout, l => l.Contains("goodbye", StringComparison.OrdinalIgnoreCase));
            await observer.ExpectAsync(m => m is RoomMessage { From: "switcher", Text: "hello over udp" });
        }
        finally
        {
            TermChatBinary.Stop(serverProcess);
        }
    }
}
