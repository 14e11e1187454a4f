using System.Collections.Concurrent;
using System.Threading.Channels;
using NATS.Client.Core;
using NATS.Client.KeyValueStore;
using TermChat.Protocol;
using TermChat.Server.Core;

namespace TermChat.Server.Cluster;

// Users on the other nodes: found through the claims this node follows, and private messages to them. Each node
// listens on its own subject (ClusterLink.PrivateSubject); a message goes there with a reply subject of the sender's,
// and the receiving node answers with the recipient's nick (delivered) or nothing (nobody there uses it). No answer
// at all, NATS's "no responders" (the node is gone) or a recipient who left is told to the sender: nothing is lost
// silently.
internal sealed partial class ClusterNicks
{
    // Private messages waiting to be published, in the order the core sent them.
    private const int PrivateOutboxCapacity = 10_000;
    // A node that was asked and moved the user on (a resume elsewhere) is followed at most this many times.
    private const int MaxPrivateAttempts = 3;

    private readonly Channel<PrivateDelivery> _privateOutbox =
        Channel.CreateBounded<PrivateDelivery>(new BoundedChannelOptions(PrivateOutboxCapacity) { SingleReader = true });
    private readonly ConcurrentDictionary<long, PrivateDelivery> _awaitingAnswer = new();
    private long _lastPrivateId;

    /// <inheritdoc/>
    public Func<PrivateLine, PrivateArrival>? Arrived { get; set; }

    /// <summary>How long a node has to answer a private message before its sender is told it may not have arrived.</summary>
    private TimeSpan PrivateTimeout => _claimTimeout > TimeSpan.FromSeconds(5) ? _claimTimeout : TimeSpan.FromSeconds(5);

    /// <inheritdoc/>
    public RemoteUser? FindRemote(string nick)
    {
        lock (_gate)
        {
            if (!_index.TryGetValue(KeyOf(nick), out var claim) || claim.Value.Node == Node || claim.Value.Session is not { } session
                || !NameRules.NickComparer.Equals(session.Nick, nick))
            {
                return null;
            }
            // A user whose node stopped beating is waiting for a resume, as far as anyone can tell.
            bool detached = session.DetachedMs is not null || IsSilentLocked(claim.Value.Node);
            return new RemoteUser(new UserInfo(session.Nick, session.Away, session.Rooms, detached), claim.Value.Node);
        }
    }

    /// <inheritdoc/>
    public IReadOnlyDictionary<string, int> RemoteRoomCounts()
    {
        lock (_gate)
        {
            var counts = new Dictionary<string, int>(StringComparer.Ordinal);
            foreach (var (value, _) in _index.Values)
            {
                if (value.Node == Node || value.Session is not { } session) continue;
                foreach (string room in session.Rooms) counts[room] = counts.GetValueOrDefault(room) + 1;
            }
            return counts;
        }
    }

    /// <inheritdoc/>
    public bool SendPrivate(PrivateLine line, string node, Action<string> undelivered)
    {
        if (!_link.IsConnected) return false;
        if (!_privateOutbox.Writer.TryWrite(new PrivateDelivery(line, node, undelivered)))
        {
            // Off the caller's thread, which holds the core's lock.
            _ = Task.Run(() => undelivered($"Too many private messages are on their way to other servers: your message to {line.To} was not sent."));
        }
        return true;
    }

    /// <summary>Subscribes to this node's private messages and their answers before the node takes clients.</summary>
    private async Task<Task[]> StartPrivateAsync(CancellationToken cancellationToken)
    {
        var incoming = await _link.Connection.SubscribeCoreAsync<byte[]>(_link.PrivateSubject(Node), cancellationToken: cancellationToken).ConfigureAwait(false);
        var answers = await _link.Connection.SubscribeCoreAsync<byte[]>(_link.PrivateReplySubjects, cancellationToken: cancellationToken).ConfigureAwait(false);
        return
        [
            Task.Run(() => ReceivePrivateAsync(incoming)),
            Task.Run(() => ReadAnswersAsync(answers)),
            Task.Run(SendPrivateLoopAsync),
        ];
    }

    /// <summary>Publishes private messages in the order they were sent, each with the reply subject its answer comes back on.</summary>
    private async Task SendPrivateLoopAsync()
    {
        try
        {
            await foreach (var delivery in _privateOutbox.Reader.ReadAllAsync(_loops.Token).ConfigureAwait(false))
            {
                delivery.Id = Interlocked.Increment(ref _lastPrivateId);
                delivery.SentAt = _time.GetTimestamp();
                delivery.Attempts++;
                _awaitingAnswer[delivery.Id] = delivery;
                try
                {
                    using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_loops.Token);
                    timeout.CancelAfter(PrivateTimeout);
                    await _link.Connection.PublishAsync(_link.PrivateSubject(delivery.Node), PrivateWire.Encode(delivery.Line),
                        replyTo: _link.PrivateReplySubject(delivery.Id), cancellationToken: timeout.Token).ConfigureAwait(false);
                }
                catch (Exception e) when (e is NatsException or OperationCanceledException && !_loops.Stopping)
                {
                    if (_awaitingAnswer.TryRemove(delivery.Id, out _)) delivery.Undelivered(NotSent(delivery.Line.To));
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }
    }

    /// <summary>Hands other nodes' private messages to the core and answers each with the recipient's nick, or nothing.</summary>
    private async Task ReceivePrivateAsync(INatsSub<byte[]> subscription)
    {
        try
        {
            await foreach (var message in subscription.Msgs.ReadAllAsync(_loops.Token).ConfigureAwait(false))
            {
                var line = PrivateWire.Decode(message.Data ?? []);
                var arrival = PrivateArrival.Nobody;
                if (line is null) ClusterLog.PrivateUnreadable(_logger, message.Subject);
                else arrival = Arrived?.Invoke(line) ?? PrivateArrival.Nobody;
                if (message.ReplyTo is not { } replyTo) continue;
                try
                {
                    await _link.Connection.PublishAsync(replyTo, PrivateWire.Answer(arrival), cancellationToken: _loops.Token).ConfigureAwait(false);
                }
                catch (NatsException)
                {
                    // The sender is told when no answer comes.
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Stopping: the subscription ends with the connection.
        }
    }

    /// <summary>Matches answers to private messages: delivered, or to be followed to where the user is now, or told as lost.</summary>
    private async Task ReadAnswersAsync(INatsSub<byte[]> subscription)
    {
        try
        {
            await foreach (var answer in subscription.Msgs.ReadAllAsync(_loops.Token).ConfigureAwait(false))
            {
                int dot = answer.Subject.LastIndexOf('.');
                if (!long.TryParse(answer.Subject.AsSpan(dot + 1), out long id) || !_awaitingAnswer.TryRemove(id, out var delivery)) continue;
                var arrival = answer.HasNoResponders ? (PrivateArrival?)null : PrivateWire.ReadAnswer(answer.Data);
                if (arrival == PrivateArrival.Delivered) continue;
                _ = FollowAsync(delivery, arrival);
            }
        }
        catch (OperationCanceledException)
        {
            // Stopping: the subscription ends with the connection.
        }
    }

    /// <summary>
    /// The node asked does not hold the user (any more), or holds them detached, or is gone (<paramref name="arrival"/>
    /// null: nobody listens there): the cluster's own record of the nick says where the user is now (moved by a resume
    /// on another node, perhaps this one), and the message goes there; otherwise its sender is told why it was not
    /// delivered.
    /// </summary>
    private async Task FollowAsync(PrivateDelivery delivery, PrivateArrival? arrival)
    {
        string to = delivery.Line.To;
        if (delivery.Attempts < MaxPrivateAttempts)
        {
            try
            {
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_loops.Token);
                timeout.CancelAfter(PrivateTimeout);
                var read = await _nicks.TryGetEntryAsync<byte[]>(KeyOf(to), cancellationToken: timeout.Token).ConfigureAwait(false);
                if (read.Success && ClaimValue.Parse(read.Value.Value ?? []) is { Session: { } session } holder && NameRules.NickComparer.Equals(session.Nick, to))
                {
                    if (holder.Node == Node)
                    {
                        if (Arrived?.Invoke(delivery.Line) == PrivateArrival.Delivered) return;
                    }
                    else if (holder.Node != delivery.Node)
                    {
                        delivery.Node = holder.Node;
                        if (_privateOutbox.Writer.TryWrite(delivery)) return;
                    }
                }
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                // Not found out: told as not delivered below.
            }
        }
        delivery.Undelivered(arrival switch
        {
            null => $"The server {to} is on is not answering (it may have gone down, and {to} may come back on another server): your message to {to} was not delivered.",
            PrivateArrival.Detached => PrivateNotDelivered.Detached(to),
            _ => $"{to} left before your message arrived: it was not delivered.",
        });
    }

    /// <summary>Every beat: private messages whose node has not answered in time are told to their senders.</summary>
    private void ExpirePrivates()
    {
        foreach (var (id, delivery) in _awaitingAnswer)
        {
            if (_time.GetElapsedTime(delivery.SentAt) > PrivateTimeout && _awaitingAnswer.TryRemove(id, out _))
            {
                delivery.Undelivered($"The server {delivery.Line.To} is on did not answer within {PrivateTimeout.TotalSeconds:0} s: your message to {delivery.Line.To} may not have been delivered.");
            }
        }
    }

    /// <summary>Whether a node has missed its last beats (it may be down), though its resume window has not passed. Under the lock.</summary>
    private bool IsSilentLocked(string node)
    {
        long since = Math.Max(_nodesSeen.TryGetValue(node, out var seen) ? seen.LastSeen : _startedAt, _linkUpSince);
        return _time.GetElapsedTime(since) > Grace + BeatInterval;
    }

    private static string NotSent(string to) => $"The cluster link failed while your message to {to} was being sent: it was not delivered.";
}
