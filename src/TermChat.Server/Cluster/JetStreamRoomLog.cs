using Microsoft.Extensions.Logging;
using NATS.Client.Core;
using NATS.Client.JetStream;
using NATS.Client.JetStream.Models;
using TermChat.Protocol;
using TermChat.Protocol.Codec;
using TermChat.Protocol.Messages;
using TermChat.Server.History;
using TermChat.Server.Wire;

namespace TermChat.Server.Cluster;

/// <summary>
/// The room log of a cluster: every room's entries in one JetStream stream, one subject per room, shared by every
/// node. JetStream decides the order: a node publishes a room's pending entries (their wire frames, encoded once)
/// only if the room's subject still ends where the node last saw it (expected last subject sequence). If another
/// node got there first, the publish is refused, the node learns the room's new head and gives its entries the seqs
/// after it. So every node assigns the same seq to the same entry, and a seq is never given twice for a room name:
/// the stream keeps each subject's last message, which holds the room's high-water seq, even after the room empties.
/// </summary>
/// <remarks>
/// <para>Entries are committed when they come back through the node's ordered consumer of the whole stream, its
/// own and other nodes' alike, in stream order (so in seq order per room); <see cref="IRoomLog.Committed"/> reports
/// them on the consumer's thread and the core fans them out to local members as it does any entry. A node's own
/// entries come back as the same objects it appended, so an author's pending echo is found.</para>
/// <para><see cref="Append"/> never waits: it gives the entry the seq after the newest this node knows and queues
/// it for the room's publishing loop, which keeps one publish in flight per room, batching whatever piled up behind
/// it. While the link is down, <see cref="Refusal"/> says the cluster is unavailable; entries appended anyway (joins,
/// parts) wait and are published on reconnection, under the same message id, so none is stored twice.</para>
/// </remarks>
internal sealed partial class JetStreamRoomLog : IRoomLog
{
    // Well under NATS's default max_payload (1 MB); a room's backlog goes out in as many batches as it needs.
    private const int MaxBatchBytes = 256 * 1024;
    private static readonly TimeSpan RetryDelay = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan DrainTimeout = TimeSpan.FromSeconds(3);

    private readonly object _gate = new();
    private readonly Dictionary<string, ClusterRoom> _rooms = new(StringComparer.Ordinal);
    // This node's publishes not yet seen back through the consumer, by message id.
    private readonly Dictionary<string, IReadOnlyList<RoomEntry>> _inFlight = new(StringComparer.Ordinal);
    private readonly HashSet<Task> _publishers = [];
    private readonly ClusterLink _link;
    private readonly ClusterRules _rules;
    private readonly ServerOptions _options;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stop = new();
    private Task _consumer = Task.CompletedTask;
    private ulong _consumed;
    private long _batches;
    private volatile string? _publishFailure;
    private int _disposed;

    private JetStreamRoomLog(ClusterLink link, ClusterRules rules, ServerOptions options, ILogger logger)
    {
        _link = link;
        _rules = rules;
        _options = options;
        _logger = logger;
    }

    /// <inheritdoc/>
    public Action<IReadOnlyList<RoomEntry>>? Committed { get; set; }

    /// <summary>Why room messages are refused now: the link is down, or JetStream refuses to store; null otherwise.</summary>
    public string? Refusal => _link.IsConnected ? _publishFailure : ClusterLink.UnavailableRefusal;

    /// <summary>Entries appended on this node and not yet stored in the stream.</summary>
    public int PendingCount
    {
        get
        {
            lock (_gate) return _rooms.Values.Sum(room => room.Pending.Count);
        }
    }

    /// <summary>Rooms the stream holds entries of.</summary>
    public int RoomCount
    {
        get
        {
            lock (_gate) return _rooms.Count;
        }
    }

    /// <summary>
    /// How long this node's own entries took from append to commit (stored and read back, ready for the fan-out), in
    /// microseconds: the oldest entry of each of the last <see cref="LatencyWindow.Capacity"/> publishes.
    /// </summary>
    public LatencyWindow CommitTimes { get; } = new();

    /// <summary>The stream seq of the last message consumed: how far this node has followed the cluster.</summary>
    public ulong ConsumedSeq => Volatile.Read(ref _consumed);

    /// <summary>
    /// Opens the log on the cluster's room stream (creating it if this is the cluster's first node) and reads the
    /// stream up to its current end before returning, so that seqs, history and topics are the cluster's from the
    /// first command on.
    /// </summary>
    /// <param name="link">The node's link to the cluster.</param>
    /// <param name="rules">Where rooms' modes and keys are kept (<see cref="ClusterRules"/>).</param>
    /// <param name="options">The server's settings (history bounds).</param>
    /// <param name="logger">Where problems go.</param>
    /// <param name="cancellationToken">Stops the catch-up.</param>
    public static async Task<JetStreamRoomLog> OpenAsync(ClusterLink link, ClusterRules rules, ServerOptions options, ILogger logger, CancellationToken cancellationToken)
    {
        var stream = await link.RoomStreamAsync(options.HistorySize, cancellationToken).ConfigureAwait(false);
        var log = new JetStreamRoomLog(link, rules, options, logger);
        var caughtUp = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        ulong end = stream.Info.State.LastSeq;
        if (end == 0) caughtUp.TrySetResult();
        log._consumer = Task.Run(() => log.ConsumeAsync(end, caughtUp));
        try
        {
            await caughtUp.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            log.Dispose();
            throw;
        }
        return log;
    }

    public RoomEntry Append(RoomEntryDraft draft, out bool committed)
    {
        RoomEntry entry;
        bool start = false;
        lock (_gate)
        {
            var room = RoomOf(draft.Room);
            ulong after = room.Pending.Count > 0 ? Math.Max(room.Pending[^1].Seq, room.HeadSeq) : room.HeadSeq;
            entry = new RoomEntry(draft, after + 1) { AppendedAt = System.Diagnostics.Stopwatch.GetTimestamp() };
            room.Pending.Add(entry);
            // The publishing loop may be waiting for entries to send behind those on their way.
            room.Appended?.TrySetResult();
            if (!room.Publishing && _disposed == 0)
            {
                room.Publishing = true;
                start = true;
            }
            if (start)
            {
                _publishers.RemoveWhere(task => task.IsCompleted);
                _publishers.Add(Task.Run(() => PublishAsync(room)));
            }
        }
        committed = false;
        return entry;
    }

    public ulong LastSeq(string room)
    {
        lock (_gate) return _rooms.TryGetValue(room, out var state) ? state.Committed : 0;
    }

    public RoomSlice Read(string room, ulong afterSeq, int maxEntries, long maxBytes)
    {
        lock (_gate)
        {
            if (!_rooms.TryGetValue(room, out var state)) return new RoomSlice([], 0);
            return new RoomSlice(state.History.Newest(afterSeq, maxEntries, maxBytes), state.Committed);
        }
    }

    /// <summary>Matches the room's retained window in memory under the log's lock; answers from the thread pool.</summary>
    public void Search(string room, string words, int limit, Action<IReadOnlyList<RoomEntry>> found, Action<string> failed)
    {
        List<RoomEntry> matches;
        lock (_gate)
        {
            matches = _rooms.TryGetValue(room, out var state) ? state.History.NewestMessagesMatching(words, limit) : [];
        }
        ThreadPool.QueueUserWorkItem(static state => state.found(state.matches), (found, matches), preferLocal: false);
    }

    public string Topic(string room)
    {
        lock (_gate) return _rooms.TryGetValue(room, out var state) ? state.Topic : "";
    }

    /// <summary>Sets the topic here at once; every node (this one included) takes it again from the Topic event in the stream.</summary>
    public void SetTopic(string room, string topic)
    {
        lock (_gate) RoomOf(room).Topic = topic;
    }

    /// <summary>Kept in the cluster's access bucket, not the stream: a room's key must not be part of its history.</summary>
    public RoomAccess Access(string room) => _rules.Access(room);

    public void SetAccess(string room, RoomAccess access) => _rules.SaveAccess(room, access);

    /// <summary>The window stays: other nodes may still write to the room, and this node follows the whole stream.</summary>
    public void Release(string room)
    {
    }

    /// <summary>Publishes what is pending (for a few seconds at most, if the link is up), then stops consuming.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1) return;
        Task[] publishers;
        lock (_gate) publishers = [.. _publishers];
        // Anything still pending was never acknowledged to anyone: it is let go if the engine is away.
        Task.WhenAll(publishers).Wait(DrainTimeout);
        _stop.Cancel();
        try
        {
            Task.WhenAll([.. publishers, _consumer]).Wait(DrainTimeout);
        }
        catch (AggregateException)
        {
            // Cancelled on the way out: nothing more to report.
        }
        _stop.Dispose();
    }

    private ClusterRoom RoomOf(string room)
    {
        if (!_rooms.TryGetValue(room, out var state))
        {
            state = new ClusterRoom(room, new RoomHistory(_options.HistorySize, _options.HistoryBytes));
            _rooms[room] = state;
        }
        return state;
    }
}
