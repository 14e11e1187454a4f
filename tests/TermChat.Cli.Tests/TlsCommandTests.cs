using System.Text.RegularExpressions;

namespace TermChat.Cli.Tests;

/// <summary>TLS through the real binaries: the server's key in its banner, pinning, a changed key, the plaintext policy.</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed partial class TlsCommandTests : IDisposable
{
    private readonly string _home = Directory.CreateTempSubdirectory("termchat-tls-cli-").FullName;

    public void Dispose() => Directory.Delete(_home, recursive: true);

    // Pins of this test only: a port another test's server used earlier in the run must not meet an old pin here.
    private Dictionary<string, string> Environment => new() { ["XDG_CONFIG_HOME"] = Path.Combine(_home, "config") };

    [Fact]
    public async Task Join_pins_the_key_the_banner_shows_refuses_a_restarted_server_with_a_new_key_and_trusts_it_when_told()
    {
        string firstKey, secondKey;
        int port;
        using (var first = ServerProcess.Start("serve", "--port", "0", "--bind", "127.0.0.1", "--key", Path.Combine(_home, "first.key"),
            "--mode", "select", "--no-discovery", "--stats-interval", "0"))
        {
            port = await first.WaitForPortAsync();
            firstKey = BannerKey().Match(first.Output).Groups[1].Value;
            var (code, stdout, stderr) = await TermchatProcess.RunAsync(["join", $"127.0.0.1:{port}", "--tls", "--plain", "--nick", "pinner"], "hello\n", Environment);
            Assert.True(code == 0, string.Join('\n', stderr));
            Assert.Contains(stdout, line => line.EndsWith($"-!- encrypted: TLS 1.3, first contact: server key {firstKey} pinned (compare it with the server's banner)", StringComparison.Ordinal));
            first.SendSigterm();
            await first.WaitForExitAsync();
        }
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(_home, "first.key")));

        using var second = ServerProcess.Start("serve", "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1",
            "--key", Path.Combine(_home, "second.key"), "--mode", "threads", "--no-discovery", "--stats-interval", "0");
        await second.WaitForPortAsync();
        secondKey = BannerKey().Match(second.Output).Groups[1].Value;
        Assert.NotEqual(firstKey, secondKey);

        var refused = await TermchatProcess.RunAsync(["join", $"127.0.0.1:{port}", "--tls", "--plain", "--nick", "pinner"], "hello\n", Environment);
        Assert.Equal(1, refused.Code);
        Assert.Empty(refused.Stdout);
        Assert.Equal([$"termchat: cannot connect to 127.0.0.1:{port}: the server's key has CHANGED: pinned {firstKey}, now {secondKey}. " +
            "Someone may be intercepting the connection; if the server really has a new key, connect once with --trust-new-key"], refused.Stderr);

        var trusted = await TermchatProcess.RunAsync(["join", $"127.0.0.1:{port}", "--tls", "--plain", "--nick", "pinner", "--trust-new-key"], "hello\n", Environment);
        Assert.True(trusted.Code == 0, string.Join('\n', trusted.Stderr));
        Assert.Contains(trusted.Stdout, line => line.EndsWith($"-!- encrypted: TLS 1.3, server key changed from {firstKey} to {secondKey}: trusted as asked (--trust-new-key)", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Plaintext_to_a_server_that_requires_TLS_fails_with_the_reason_and_the_banner_says_so()
    {
        using var server = ServerProcess.Start("serve", "--port", "0", "--bind", "127.0.0.1", "--ephemeral", "--require-tls", "--mode", "async",
            "--no-discovery", "--stats-interval", "0");
        int port = await server.WaitForPortAsync();
        Assert.Contains("  Encryption: TLS (TCP) and DTLS (UDP) only, loopback included (--require-tls)", server.Output, StringComparison.Ordinal);

        var (code, stdout, stderr) = await TermchatProcess.RunAsync(["join", $"127.0.0.1:{port}", "--plain", "--nick", "downgrader"], "hello\n", Environment);

        Assert.Equal(1, code);
        Assert.Empty(stdout);
        Assert.Equal([$"termchat: 127.0.0.1:{port} accepts only encrypted connections from this address; connect with --tls (and without --plaintext)"], stderr);
    }

    [Fact]
    public async Task Allow_plaintext_and_require_tls_together_are_refused_with_one_line()
    {
        var (code, stdout, stderr) = await TermchatProcess.RunAsync(["serve", "--allow-plaintext", "--require-tls", "--ephemeral"]);

        Assert.Equal(2, code);
        Assert.Empty(stdout);
        Assert.Equal("termchat serve: --allow-plaintext and --require-tls contradict each other; choose one; see 'termchat serve --help'", Assert.Single(stderr));
    }

    [Fact]
    public async Task Tls_and_plaintext_together_are_refused_with_one_line()
    {
        var (code, _, stderr) = await TermchatProcess.RunAsync(["join", "127.0.0.1:1", "--tls", "--plaintext", "--plain"]);

        Assert.Equal((2, "termchat join: --tls and --plaintext contradict each other; choose one; see 'termchat join --help'"), (code, Assert.Single(stderr)));
    }

    [GeneratedRegex(@"Server key (SHA256:\S+)")]
    private static partial Regex BannerKey();
}
