using System.Net;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using TermChat.Protocol;
using TermChat.Server;

namespace TermChat.TestKit.Server;

/// <summary>A <see cref="ChatServer"/> on 127.0.0.1 port 0 in a given mode, for integration tests.</summary>
public sealed class TestServer : IAsyncDisposable
{
    private TestServer(ChatServer server, IPEndPoint endpoint)
    {
        Server = server;
        EndPoint = endpoint;
    }

    /// <summary>The running server.</summary>
    public ChatServer Server { get; }

    /// <summary>Where clients connect (loopback, the bound port).</summary>
    public IPEndPoint EndPoint { get; }

    /// <summary>
    /// Starts a server; <paramref name="configure"/> adjusts options (port and bind are preset; UDP is off unless it
    /// sets <see cref="ServerOptions.ServeUdp"/>).
    /// </summary>
    public static Task<TestServer> StartAsync(ServerMode mode, Action<ServerOptions>? configure = null,
        ILoggerFactory? loggerFactory = null, CancellationToken cancellationToken = default)
    {
        var options = Options(mode);
        configure?.Invoke(options);
        return StartAsync(ChatServer.Create(options, loggerFactory ?? NullLoggerFactory.Instance), cancellationToken);
    }

    /// <summary>The options <see cref="StartAsync(ServerMode, Action{ServerOptions}?, ILoggerFactory?, CancellationToken)"/> starts from.</summary>
    public static ServerOptions Options(ServerMode mode) => new()
    {
        Mode = mode,
        Port = 0,
        Bind = IPAddress.Loopback,
        ServerName = "test",
        StatsInterval = TimeSpan.Zero,
        ShutdownDrain = TimeSpan.FromSeconds(2),
        ServeUdp = false,
    };

    /// <summary>Starts a server created by the test (on <see cref="Options"/>, say).</summary>
    public static async Task<TestServer> StartAsync(ChatServer server, CancellationToken cancellationToken = default)
    {
        await server.StartAsync(cancellationToken).ConfigureAwait(false);
        return new TestServer(server, new IPEndPoint(IPAddress.Loopback, server.TcpEndPoint!.Port));
    }

    /// <summary>Connects a client and completes the handshake.</summary>
    public Task<TestChatClient> ConnectAsync(string nick, ResumeToken token = default, IEnumerable<RoomCursor>? cursors = null, CancellationToken cancellationToken = default)
        => TestChatClient.ConnectAsync(EndPoint, nick, token, cursors, cancellationToken);

    /// <summary>Where IRC clients connect, when the server was started with an IRC port.</summary>
    public IPEndPoint IrcEndPoint => new(IPAddress.Loopback, Server.IrcEndPoint?.Port ?? throw new InvalidOperationException("The server has no IRC port; set IrcPort = 0."));

    /// <summary>Stops the server (bounded wait).</summary>
    public async ValueTask DisposeAsync() => await Server.StopAsync().WaitAsync(TimeSpan.FromSeconds(30)).ConfigureAwait(false);
}
