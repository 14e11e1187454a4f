using TermChat.Client.Plain;
using TermChat.Client.Tests.Fakes;
using TermChat.Client.Transports;
using TermChat.TestKit.Server;

namespace TermChat.Client.Tests.ServerIntegration;

/// <summary>A plain-mode client of a real in-process server: typed input in, printed lines out.</summary>
internal sealed class PlainClient(string nick, TestServer server, bool json = false, string? room = null, int? port = null, ChatEndpoint[]? others = null)
{
    public ChannelTextReader Input { get; } = new();

    public LineCollector Output { get; } = new();

    public LineCollector Error { get; } = new();

    public Task<int> Run { get; private set; } = Task.FromResult(-1);

    public PlainClient Start()
    {
        Run = PlainMode.RunAsync(new PlainModeOptions
        {
            Endpoint = new ChatEndpoint("127.0.0.1", port ?? server.EndPoint.Port),
            OtherEndpoints = others ?? [],
            Nick = nick,
            Room = room,
            Json = json,
            Input = Input,
            Output = Output,
            Error = Error,
            TimeZone = TimeZoneInfo.Utc,
        }, CancellationToken.None);
        return this;
    }
}
