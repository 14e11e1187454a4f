using TermChat.Protocol.Messages;
using TermChat.Server;
using TermChat.TestKit.Server;

namespace TermChat.Cli.Tests.ServerIntegration;

/// <summary>The real `termchat join --plain` binary against an in-process server.</summary>
public sealed class JoinCommandServerTests
{
    [Fact]
    public async Task Piped_input_is_all_delivered_before_the_process_exits_on_end_of_input()
    {
        await using var server = await TestServer.StartAsync(ServerMode.Async, o => o.FloodRate = 500);
        await using var observer = await server.ConnectAsync("observer");
        string[] lines = [.. Enumerable.Range(1, 300).Select(i => $"piped line {i}")];

        var (code, stdout, stderr) = await TermchatProcess.RunAsync(
            ["join", $"127.0.0.1:{server.EndPoint.Port}", "--plain", "--nick", "piper"], string.Join("\n", lines) + "\n");

        Assert.Equal(0, code);
        Assert.Empty(stderr);
        var received = await observer.CollectUntilAsync(m => m is RoomMessage { Text: "piped line 300" });
        Assert.Equal(lines, received.OfType<RoomMessage>().Where(m => m.From == "piper").Select(m => m.Text));
        Assert.Equal(300, stdout.Count(l => l.Contains("<piper> piped line", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Json_mode_prints_only_json_objects_on_stdout()
    {
        await using var server = await TestServer.StartAsync(ServerMode.Async);

        var (code, stdout, _) = await TermchatProcess.RunAsync(
            ["join", $"127.0.0.1:{server.EndPoint.Port}", "--plain", "--json", "--nick", "jason"], "hello json\n");

        Assert.Equal(0, code);
        Assert.All(stdout, l => Assert.StartsWith("{\"type\":", l));
        Assert.Contains(stdout, l => l.Contains("\"type\":\"message\"", StringComparison.Ordinal) && l.Contains("\"text\":\"hello json\"", StringComparison.Ordinal));
    }
}
