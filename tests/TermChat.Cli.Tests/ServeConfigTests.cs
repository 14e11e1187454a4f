using System.Net;
using TermChat.TestKit.Server;

namespace TermChat.Cli.Tests;

/// <summary>`serve --config FILE` and SIGHUP, through the real binary.</summary>
public sealed partial class ServeCommandTests
{
    [Fact]
    public async Task A_config_file_sets_the_options_and_the_command_line_wins()
    {
        using var file = new ConfigFile("""{"port": 0, "bind": "127.0.0.1", "no-discovery": true, "stats-interval": 0, "motd": "from the file", "name": "filed"}""");
        using var server = ServerProcess.Start("serve", "--config", file.Path, "--name", "typed");
        int port = await server.WaitForPortAsync();

        await using var alice = await TestChatClient.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port), "alice");
        Assert.Equal("from the file", alice.Welcome!.Motd);
        Assert.Equal("typed", alice.Welcome.ServerName);
        Assert.Contains("Discovery: off", server.Output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"prot": 7777}""", "unknown setting 'prot'")]
    [InlineData("""{"port": "abc"}""", "--port expects a whole number, not 'abc'")]
    [InlineData("""{"flood-burst": 0}""", "--flood-burst")]
    [InlineData("""{"port": 7777""", "is not a JSON object of settings")]
    [InlineData("""{"motd": {"text": "nested"}}""", "must be a single value")]
    public async Task A_bad_config_file_is_one_line_and_exit_code_2(string json, string expected)
    {
        using var file = new ConfigFile(json);
        var (code, stdout, stderr) = await TermchatProcess.RunAsync(["serve", "--config", file.Path]);

        Assert.Equal(2, code);
        Assert.Empty(stdout);
        string line = Assert.Single(stderr);
        Assert.StartsWith("termchat serve: ", line, StringComparison.Ordinal);
        Assert.Contains(expected, line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_missing_config_file_is_named()
    {
        var (code, _, stderr) = await TermchatProcess.RunAsync(["serve", "--config", "/nonexistent/termchat.json"]);

        Assert.Equal(2, code);
        Assert.Contains("'/nonexistent/termchat.json': no such file", Assert.Single(stderr), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sighup_rereads_the_config_applies_live_settings_and_keeps_running_on_a_bad_file()
    {
        using var file = new ConfigFile("""{"port": 0, "bind": "127.0.0.1", "no-discovery": true, "stats-interval": 0, "motd": "before"}""");
        using var server = ServerProcess.Start("serve", "--config", file.Path);
        int port = await server.WaitForPortAsync();
        var endpoint = new IPEndPoint(IPAddress.Loopback, port);

        file.Write("""{"port": 0, "bind": "127.0.0.1", "no-discovery": true, "stats-interval": 0, "motd": "after", "mode": "select"}""");
        server.SendSignal("HUP");
        await server.WaitForOutputAsync("reloaded --config: applied --motd; --mode changed too but take effect only after a restart");
        await using (var alice = await TestChatClient.ConnectAsync(endpoint, "alice"))
        {
            Assert.Equal(("after", "async"), (alice.Welcome!.Motd, alice.Welcome.Mode));
        }

        file.Write("""{"motd": 42, "max-clients": "many"}""");
        server.SendSignal("HUP");
        await server.WaitForOutputAsync("--config not reloaded, the running settings are kept");
        await using var bob = await TestChatClient.ConnectAsync(endpoint, "bob");
        Assert.Equal("after", bob.Welcome!.Motd);

        server.SendSigterm();
        Assert.Equal(0, await server.WaitForExitAsync());
    }

    /// <summary>A JSON settings file in a temporary folder.</summary>
    private sealed class ConfigFile : IDisposable
    {
        private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("termchat-config-");

        public ConfigFile(string json)
        {
            Path = System.IO.Path.Combine(_folder.FullName, "serve.json");
            Write(json);
        }

        public string Path { get; }

        public void Write(string json) => File.WriteAllText(Path, json);

        public void Dispose() => _folder.Delete(recursive: true);
    }
}
