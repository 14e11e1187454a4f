using System.Text;
using NATS.Client.Core;
using NATS.Client.JetStream;
using NATS.Client.JetStream.Models;

namespace TermChat.Server.Cluster;

/// <summary>
/// This server's connection to the cluster's NATS servers, and the names of what the cluster keeps there. The NATS
/// client reconnects by itself (to any of the URLs, forever); meanwhile <see cref="IsConnected"/> is false and the
/// cluster's users refuse what could be lost.
/// </summary>
internal sealed class ClusterLink : IAsyncDisposable
{
    /// <summary>What a refused message is told while the link is down.</summary>
    public const string UnavailableRefusal = "The cluster is unavailable: room messages are refused until this server reconnects to it.";

    private ClusterLink(NatsConnection connection, ClusterOptions options)
    {
        Connection = connection;
        Options = options;
        JetStream = new NatsJSContext(connection);
    }

    public NatsConnection Connection { get; }

    public INatsJSContext JetStream { get; }

    public ClusterOptions Options { get; }

    /// <summary>This process among the cluster's nodes: unique per run, so its publishes are told apart from others'.</summary>
    public string NodeId { get; } = Guid.NewGuid().ToString("N");

    public bool IsConnected => Connection.ConnectionState == NatsConnectionState.Open;

    /// <summary>The stream holding every room's entries.</summary>
    public string RoomStream => $"TERMCHAT_{Options.Name}_ROOMS";

    /// <summary>The subject of every room's entries (a wildcard over <see cref="RoomSubject"/>).</summary>
    public string RoomSubjects => $"termchat.{Options.Name}.room.>";

    /// <summary>The key-value bucket of nick claims and the sessions using them (<see cref="ClusterNicks"/>).</summary>
    public string NickBucket => $"TERMCHAT_{Options.Name}_NICKS";

    /// <summary>The key-value bucket of nicks owned by keys (<see cref="ClusterRules"/>).</summary>
    public string OwnerBucket => $"TERMCHAT_{Options.Name}_OWNERS";

    /// <summary>The key-value bucket of server-wide bans (<see cref="ClusterRules"/>).</summary>
    public string BanBucket => $"TERMCHAT_{Options.Name}_BANS";

    /// <summary>The key-value bucket of rooms' modes and keys (<see cref="ClusterRules"/>).</summary>
    public string AccessBucket => $"TERMCHAT_{Options.Name}_ACCESS";

    /// <summary>The key-value bucket of node heartbeats.</summary>
    public string NodeBucket => $"TERMCHAT_{Options.Name}_NODES";

    /// <summary>Where private messages for users on node <paramref name="node"/> go (a plain NATS subject: not kept).</summary>
    public string PrivateSubject(string node) => $"termchat.{Options.Name}.pm.{node}";

    /// <summary>Where the answers to this node's private messages come back, one token per message.</summary>
    public string PrivateReplySubject(long id) => $"termchat.{Options.Name}.pmr.{NodeId}.{id}";

    /// <summary>Every answer to this node's private messages (a wildcard over <see cref="PrivateReplySubject"/>).</summary>
    public string PrivateReplySubjects => $"termchat.{Options.Name}.pmr.{NodeId}.*";

    /// <summary>
    /// The subject of one room. The name goes in as the hex of its UTF-8 bytes: whatever the name holds ('.', '*', '>'
    /// and spaces have meanings in subjects), the token is safe, and one name always maps to one subject.
    /// </summary>
    public string RoomSubject(string room) => $"termchat.{Options.Name}.room.{Convert.ToHexStringLower(Encoding.UTF8.GetBytes(room))}";

    /// <summary>Connects to one of the URLs (tried in turn), within the connect timeout for each.</summary>
    /// <exception cref="NatsException">No server could be reached, or it refused the credentials.</exception>
    public static async Task<ClusterLink> ConnectAsync(ClusterOptions options, CancellationToken cancellationToken)
    {
        var opts = NatsOpts.Default with
        {
            Url = string.Join(',', options.Urls),
            Name = $"termchat {Environment.MachineName}",
            ConnectTimeout = options.ConnectTimeout,
            // A node keeps trying for as long as it runs: while it cannot reach the engine it refuses messages but
            // keeps its clients, and recovers by itself.
            MaxReconnectRetry = -1,
            ReconnectWaitMin = TimeSpan.FromMilliseconds(200),
            ReconnectWaitMax = TimeSpan.FromSeconds(2),
            AuthOpts = options.CredsFile is { } creds ? NatsAuthOpts.Default with { CredsFile = creds } : NatsAuthOpts.Default,
            TlsOpts = NatsTlsOpts.Default with { CaFile = options.TlsCaFile, CertFile = options.TlsCertFile, KeyFile = options.TlsKeyFile },
        };
        var connection = new NatsConnection(opts);
        try
        {
            await connection.ConnectAsync().AsTask().WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
        return new ClusterLink(connection, options);
    }

    /// <summary>
    /// The room stream, created by the first node of a cluster: one subject per room, file storage, each room's last
    /// <paramref name="messagesPerRoom"/> messages kept (the last one always, which holds the room's high-water seq).
    /// </summary>
    public async Task<INatsJSStream> RoomStreamAsync(int messagesPerRoom, CancellationToken cancellationToken)
    {
        try
        {
            return await JetStream.GetStreamAsync(RoomStream, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (NatsJSApiException e) when (e.Error.ErrCode == 10059)
        {
            // 10059: stream not found. Two nodes starting at once may both create it; the same config is no error.
            var config = new StreamConfig(RoomStream, [RoomSubjects])
            {
                Storage = StreamConfigStorage.File,
                MaxMsgsPerSubject = Math.Max(1, messagesPerRoom),
                DuplicateWindow = TimeSpan.FromMinutes(2),
                AllowDirect = true,
            };
            return await JetStream.CreateStreamAsync(config, cancellationToken).ConfigureAwait(false);
        }
    }

    public ValueTask DisposeAsync() => Connection.DisposeAsync();
}
