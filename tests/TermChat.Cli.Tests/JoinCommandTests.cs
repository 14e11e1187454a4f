using System.Net;
using System.Net.Sockets;

namespace TermChat.Cli.Tests;

public sealed class JoinCommandTests
{
    [Fact]
    public async Task Connection_refused_prints_one_clear_line_and_exits_1()
    {
        int port = UnusedPort();

        var (code, stdout, stderr) = await TermchatProcess.RunAsync(["join", $"127.0.0.1:{port}", "--plain"], "hello\n");

        Assert.Equal(1, code);
        Assert.Empty(stdout);
        Assert.Equal([$"termchat: cannot connect to 127.0.0.1:{port}: connection refused (is the server running? start one with 'termchat serve')"], stderr);
    }

    [Theory]
    [InlineData("127.0.0.1:99999", "termchat join: '99999' is not a port; expected a number from 1 to 65535; see 'termchat join --help'")]
    [InlineData("[::1", "termchat join: '[::1' has '[' without a closing ']'; write IPv6 addresses as [::1]:7777; see 'termchat join --help'")]
    public async Task A_bad_address_is_one_line_and_exit_2(string address, string expected)
    {
        var (code, stdout, stderr) = await TermchatProcess.RunAsync(["join", address, "--plain"]);

        Assert.Equal((2, expected), (code, Assert.Single(stderr)));
        Assert.Empty(stdout);
    }

    private static int UnusedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
