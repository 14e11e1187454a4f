using TermChat.Server.Cluster;
using TermChat.TestKit.Cluster;
using TermChat.TestKit.Server;

namespace TermChat.Server.Tests.Cluster;

/// <summary>One real nats-server with JetStream for a test class; each test names its own cluster, so each starts empty.</summary>
public sealed class NatsServerFixture : IDisposable
{
    private readonly Lazy<NatsServerProcess> _server = new(NatsServerProcess.StartNew);

    public NatsServerProcess Server => _server.Value;

    /// <summary>Starts a server on port 0 as a node of <paramref name="cluster"/> on this nats-server.</summary>
    public Task<TestServer> NodeAsync(string cluster, ServerMode mode, Action<ServerOptions>? configure = null) =>
        TestServer.StartAsync(mode, options =>
        {
            options.Cluster = new ClusterOptions { Urls = [Server.Url], Name = cluster };
            configure?.Invoke(options);
        });

    public void Dispose()
    {
        if (_server.IsValueCreated) _server.Value.Dispose();
    }
}
