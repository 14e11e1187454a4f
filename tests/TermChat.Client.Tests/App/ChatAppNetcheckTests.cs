using NSubstitute;
using TermChat.Client.App;
using TermChat.Client.Session;
using TermChat.Client.Tests.Diagnostics;
using TermChat.TestKit.Server;

namespace TermChat.Client.Tests.App;

public sealed class ChatAppNetcheckTests
{
    private readonly IChatSession _session = Substitute.For<IChatSession>();

    private ChatApp CreateApp(string server)
    {
        _session.Nick.Returns("alice");
        _session.TransportName.Returns("TCP");
        _session.Server.Returns(server);
        return new ChatApp(_session, new ChatAppOptions { TimeProvider = new ManualTimeProvider(), Transports = ["tcp"] });
    }

    [Fact]
    public async Task Netcheck_without_an_argument_checks_the_current_server_and_ends_with_a_verdict()
    {
        await using var server = new FakePingServer(requireHello: false);
        var app = CreateApp($"127.0.0.1:{server.Port}");
        int changes = 0;
        app.Changed += () => Interlocked.Increment(ref changes);

        var result = await app.SubmitAsync("/netcheck", CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(60));

        var lines = result.Entries.Select(e => e.Text).ToList();
        Assert.Equal($"netcheck 127.0.0.1:{server.Port}: measuring TCP, UDP and discovery (a few seconds)...", lines[0]);
        Assert.Contains(lines, l => l.StartsWith("  TCP        connect ", StringComparison.Ordinal) && l.EndsWith("(20/20)", StringComparison.Ordinal));
        Assert.StartsWith("Verdict: ", lines[^1], StringComparison.Ordinal);
        Assert.True(changes >= lines.Count, "each line is shown as it arrives");
        Assert.False(result.Quit);
    }

    [Fact]
    public async Task Netcheck_with_a_bad_address_explains_the_usage()
    {
        var app = CreateApp("127.0.0.1:7777");
        var result = await app.SubmitAsync("/netcheck [::1", CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));
        var entry = Assert.Single(result.Entries);
        Assert.Equal(EntryKind.Error, entry.Kind);
        Assert.StartsWith("usage: /netcheck [HOST[:PORT]]", entry.Text, StringComparison.Ordinal);
    }
}
