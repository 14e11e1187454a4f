using System.Globalization;
using System.Net;
using TermChat.Protocol;
using TermChat.Protocol.Security;
using TermChat.TestKit.Server;

namespace TermChat.Cli.Tests.ServerIntegration;

/// <summary>
/// Operators as a user sets them up: the fingerprint `termchat identity` prints is given to `termchat serve --op`, and
/// the real client, joining over TLS with that identity, moderates; the ban is kept in the server's data across a restart.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class ModerationProcessTests : IDisposable
{
    private readonly string _home = Directory.CreateTempSubdirectory("termchat-moderation-cli-").FullName;

    public void Dispose() => Directory.Delete(_home, recursive: true);

    private Dictionary<string, string> Machine(string name) => new() { ["XDG_CONFIG_HOME"] = Path.Combine(_home, name) };

    [Theory]
    [InlineData("select")]
    [InlineData("threads")]
    [InlineData("async")]
    public async Task The_fingerprint_identity_show_prints_makes_an_operator_whose_ban_holds_across_a_server_restart(string mode)
    {
        var shown = await TermchatProcess.RunAsync(["identity", "show"], environment: Machine("op"));
        string opFingerprint = shown.Stdout[0]["Fingerprint: ".Length..];
        using var malloryKey = KeyFile.CreateEphemeral();
        string data = Path.Combine(_home, "chat.db");
        string[] serve = ["serve", "--port", "0", "--bind", "127.0.0.1", "--data", data, "--op", opFingerprint, "--mode", mode,
            "--no-discovery", "--stats-interval", "0", "--resume-window", "0"];

        using (var server = ServerProcess.Start(serve))
        {
            int port = await server.WaitForPortAsync();
            var endpoint = new IPEndPoint(IPAddress.Loopback, port);
            await using var mallory = await TestChatClient.ConnectTlsAsync(endpoint, "mallory", malloryKey);

            // Someone whose key is not the operator's is told why, and mallory stays.
            var pleb = await TermchatProcess.RunAsync(["join", Address(port), "--tls", "--plain", "--nick", "pleb"], "/kick mallory\n", Machine("pleb"));
            Assert.True(pleb.Code == 0, string.Join('\n', pleb.Stderr));
            Assert.Contains(pleb.Stdout.Concat(pleb.Stderr), line => line.EndsWith("not allowed: Only the server's operators may kick; your key is not one of theirs.", StringComparison.Ordinal));

            var op = await TermchatProcess.RunAsync(["join", Address(port), "--tls", "--plain", "--nick", "boss"], "/ban mallory 1h flooding\n", Machine("op"));
            Assert.True(op.Code == 0, string.Join('\n', op.Stderr));
            // The room's ban event may still be on its way when the client ends its input; the operator's own answer is not.
            Assert.True(op.Stdout.Any(line => line.EndsWith("-!- Banned mallory for 1 h.", StringComparison.Ordinal)), string.Join('\n', op.Stdout));
            var removed = await mallory.ReceiveAsync<Protocol.Messages.Error>();
            Assert.Equal((ErrorCode.Banned, "You are banned from this server by boss: flooding. The ban lapses in 1 h."), (removed.Code, removed.Text));

            server.SendSigterm();
            Assert.Equal(0, await server.WaitForExitAsync());
        }

        using var restarted = ServerProcess.Start(serve);
        int again = await restarted.WaitForPortAsync();
        var refused = await Assert.ThrowsAsync<ServerErrorException>(() => TestChatClient.ConnectTlsAsync(new IPEndPoint(IPAddress.Loopback, again), "mallory", malloryKey));
        Assert.Equal(ErrorCode.Banned, refused.Error.Code);
    }

    private static string Address(int port) => "127.0.0.1:" + port.ToString(CultureInfo.InvariantCulture);
}
