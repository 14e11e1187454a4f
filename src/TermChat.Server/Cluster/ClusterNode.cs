using Microsoft.Extensions.Logging;
using NATS.Client.Core;

namespace TermChat.Server.Cluster;

/// <summary>What a server holds as a node of a cluster: the link to NATS and the room log on it.</summary>
internal sealed class ClusterNode : IAsyncDisposable
{
    // Reading the stream up to its end at startup: generous, since a big cluster's history takes a while to stream.
    private static readonly TimeSpan CatchUpTimeout = TimeSpan.FromSeconds(60);

    private ClusterNode(ClusterLink link, JetStreamRoomLog log)
    {
        Link = link;
        RoomLog = log;
    }

    public ClusterLink Link { get; }

    public JetStreamRoomLog RoomLog { get; }

    /// <summary>Connects and opens the room log, waiting at most the connect timeout per URL and the catch-up bound.</summary>
    /// <exception cref="ClusterOpenException">The cluster cannot be joined; the message says why in one line.</exception>
    public static ClusterNode Join(ClusterOptions options, ServerOptions server, ILoggerFactory loggers)
    {
        string where = $"cluster {options.Name} at {string.Join(',', options.Urls)}";
        ClusterLink link;
        try
        {
            var connectBound = options.ConnectTimeout * Math.Max(1, options.Urls.Count) + TimeSpan.FromSeconds(1);
            link = ClusterLink.ConnectAsync(options, CancellationToken.None).WaitAsync(connectBound).GetAwaiter().GetResult();
        }
        catch (Exception e) when (e is NatsException or TimeoutException or IOException or System.Security.Authentication.AuthenticationException)
        {
            throw new ClusterOpenException($"cannot join the {where}: {OneLine(e)}", e);
        }
        var logger = loggers.CreateLogger("TermChat.Server.Cluster");
        link.Connection.ConnectionDisconnected += (_, args) =>
        {
            ClusterLog.Lost(logger, args.Message);
            return ValueTask.CompletedTask;
        };
        link.Connection.ConnectionOpened += (_, _) =>
        {
            ClusterLog.Back(logger);
            return ValueTask.CompletedTask;
        };
        try
        {
            var log = JetStreamRoomLog.OpenAsync(link, server, logger, CancellationToken.None).WaitAsync(CatchUpTimeout).GetAwaiter().GetResult();
            ClusterLog.Joined(logger, options.Name, link.Connection.ServerInfo?.Host + ":" + link.Connection.ServerInfo?.Port, link.RoomStream, log.RoomCount, log.ConsumedSeq);
            return new ClusterNode(link, log);
        }
        catch (Exception e) when (e is NatsException or TimeoutException)
        {
            link.DisposeAsync().AsTask().GetAwaiter().GetResult();
            string cause = e is NATS.Client.JetStream.NatsJSApiException { Error.Code: 503 } or NATS.Client.JetStream.NatsJSException
                ? $"{OneLine(e)} (is JetStream enabled there? nats-server -js)"
                : OneLine(e);
            throw new ClusterOpenException($"cannot join the {where}: {cause}", e);
        }
    }

    public async ValueTask DisposeAsync()
    {
        RoomLog.Dispose();
        await Link.DisposeAsync().ConfigureAwait(false);
    }

    private static string OneLine(Exception e) => e.Message.ReplaceLineEndings(" ").TrimEnd('.');
}
