using TermChat.TestKit.Cluster;

namespace TermChat.Server.Tests.Cluster;

/// <summary>One real nats-server with JetStream for a test class; each test names its own cluster, so each starts empty.</summary>
public sealed class NatsServerFixture : IDisposable
{
    private readonly Lazy<NatsServerProcess> _server = new(NatsServerProcess.StartNew);

    public NatsServerProcess Server => _server.Value;

    public void Dispose()
    {
        if (_server.IsValueCreated) _server.Value.Dispose();
    }
}
