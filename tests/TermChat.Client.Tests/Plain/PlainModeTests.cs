using TermChat.Client.Plain;
using TermChat.Client.Tests.Fakes;
using TermChat.TestKit.Server;
using TermChat.Client.Transports;
using TermChat.Protocol;
using TermChat.Protocol.Messages;

namespace TermChat.Client.Tests.Plain;

/// <summary>Plain mode against a scripted link: the parts a real server cannot easily provoke.</summary>
public sealed class PlainModeTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);
    private readonly ScriptedLink _link = new();
    private readonly ChannelTextReader _input = new();
    private readonly LineCollector _output = new();
    private readonly LineCollector _error = new();

    private Task<int> Start(CancellationToken cancellationToken)
    {
        var registry = new TransportRegistry();
        registry.Register("tcp", () => _link.Transport);
        return PlainMode.RunAsync(new PlainModeOptions
        {
            Endpoint = new ChatEndpoint("127.0.0.1", 7777),
            Nick = "alice",
            Input = _input,
            Output = _output,
            Error = _error,
            Transports = registry,
            TimeZone = TimeZoneInfo.Utc,
        }, cancellationToken);
    }

    private async Task WelcomeAsync()
    {
        await _link.NextSentAsync<Hello>();
        _link.Receive(
            new Welcome(ProtocolLimits.Version, "alice", new ResumeToken(1, 1), false, "test", "async", 15, ""),
            new RoomJoined("#lobby", "", 0, new[] { new Member("alice", "") }));
    }

    [Fact]
    public async Task Ctrl_c_says_goodbye_and_exits_130()
    {
        using var interrupt = new CancellationTokenSource();
        var run = Start(interrupt.Token);
        await WelcomeAsync();
        await _output.WaitForAsync(l => l.Contains("you joined #lobby", StringComparison.Ordinal));

        await interrupt.CancelAsync();

        Assert.Equal(130, await run.WaitAsync(Wait));
        Assert.Equal(new Bye("interrupted"), await _link.NextSentAsync<Bye>());
    }

    [Fact]
    public async Task End_of_input_waits_for_the_server_to_confirm_before_quitting()
    {
        var run = Start(CancellationToken.None);
        await WelcomeAsync();
        _input.Type("last words");
        _input.End();

        Assert.Equal(new SendMessage("#lobby", MessageKind.Say, "last words"), await _link.NextSentAsync<SendMessage>());
        var pings = new List<Ping> { await _link.NextSentAsync<Ping>(), await _link.NextSentAsync<Ping>() };
        Assert.False(run.IsCompleted);
        Assert.DoesNotContain(_link.DrainSent(), m => m is Bye);
        _link.Receive(new RoomMessage("#lobby", 1, 0, "alice", MessageKind.Say, "last words", false));
        foreach (var ping in pings)
        {
            _link.Receive(new Pong(ping.Nonce));
        }

        Assert.Equal(new Bye("end of input"), await _link.NextSentAsync<Bye>());
        Assert.Equal(0, await run.WaitAsync(Wait));
        Assert.Contains("[12:00:00] #lobby <alice> last words", _output.Lines.Select(l => "[12:00:00]" + l[10..]));
    }
}
