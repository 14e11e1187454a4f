namespace TermChat.Cli.Tests;

/// <summary>`termchat` alone takes the options of serve and join that make sense for hosting and joining.</summary>
public sealed class HostAndJoinTests
{
    [Fact]
    public async Task Termchat_alone_hosts_on_the_port_and_mode_given_and_joins_with_the_nick_given()
    {
        // Port 0 picks a free port; stdin is not a terminal, so the client is in plain mode and ends with its input.
        var (code, stdout, stderr) = await TermchatProcess.RunAsync(["--port", "0", "--mode", "threads", "--nick", "hostie", "--no-discovery"], stdin: "hello from the host\n");

        Assert.Equal(0, code);
        Assert.Contains(stderr, l => l.StartsWith("termchat: hosting a chat server (threads mode) on port ", StringComparison.Ordinal) && !l.Contains("port 7777,", StringComparison.Ordinal));
        Assert.Contains(stdout, l => l.EndsWith("<hostie> hello from the host", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Termchat_alone_refuses_a_bad_mode_in_one_line()
    {
        var (code, stdout, stderr) = await TermchatProcess.RunAsync(["--mode", "carrier-pigeon"]);

        Assert.Equal(2, code);
        Assert.Empty(stdout);
        Assert.Single(stderr);
        Assert.Contains("--mode", stderr[0], StringComparison.Ordinal);
    }
}
