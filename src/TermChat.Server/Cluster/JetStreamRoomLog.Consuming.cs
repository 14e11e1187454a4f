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

// Following the stream: every node's entries, committed here in stream order.
internal sealed partial class JetStreamRoomLog
{
    /// <summary>Follows the whole stream from its start: every node's entries, in stream order.</summary>
    private async Task ConsumeAsync(ulong catchUpTo, TaskCompletionSource caughtUp)
    {
        var token = _stop.Token;
        while (!token.IsCancellationRequested)
        {
            try
            {
                var opts = _consumed == 0
                    ? new NatsJSOrderedConsumerOpts { DeliverPolicy = ConsumerConfigDeliverPolicy.All }
                    : new NatsJSOrderedConsumerOpts { DeliverPolicy = ConsumerConfigDeliverPolicy.ByStartSequence, OptStartSeq = _consumed + 1 };
                var consumer = await _link.JetStream.CreateOrderedConsumerAsync(_link.RoomStream, opts, token).ConfigureAwait(false);
                await foreach (var msg in consumer.ConsumeAsync<byte[]>(cancellationToken: token).ConfigureAwait(false))
                {
                    ulong streamSeq = msg.Metadata?.Sequence.Stream ?? 0;
                    if (streamSeq <= _consumed) continue;
                    Apply(msg.Subject, msg.Headers?["Nats-Msg-Id"].ToString(), msg.Data ?? [], streamSeq);
                    _consumed = streamSeq;
                    if (streamSeq >= catchUpTo) caughtUp.TrySetResult();
                }
            }
            catch (OperationCanceledException) when (token.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is NatsException or TimeoutException or OperationCanceledException)
            {
                ClusterLog.ConsumerFailed(_logger, e.Message);
                if (!await Pause(token).ConfigureAwait(false)) return;
            }
        }
    }

    /// <summary>Commits one stream message's entries: into the room's window, then reported to the core.</summary>
    private void Apply(string subject, string? msgId, byte[] data, ulong streamSeq)
    {
        IReadOnlyList<RoomEntry>? own = null;
        if (msgId is { Length: > 0 })
        {
            lock (_gate) _inFlight.Remove(msgId, out own);
        }
        var entries = own ?? Decode(data, subject, streamSeq);
        if (entries.Count == 0) return;
        if (own is not null) CommitTimes.RecordSince(own[0].AppendedAt);
        var fresh = new List<RoomEntry>(entries.Count);
        lock (_gate)
        {
            var room = RoomOf(entries[0].Room);
            foreach (var entry in entries)
            {
                // Seqs only rise within a subject (every publish expects the subject's last sequence); anything else
                // would be a second copy, never shown twice.
                if (entry.Seq <= room.Committed) continue;
                room.History.Add(entry);
                room.Committed = entry.Seq;
                if (entry.IsEvent && entry.EventKind == RoomEventKind.Topic) room.Topic = entry.Text;
                fresh.Add(entry);
            }
            room.AdvanceHead(entries[^1].Seq, streamSeq);
        }
        if (fresh.Count > 0) Committed?.Invoke(fresh);
    }

    /// <summary>The entries of one stream message: TermChat frames back to back, each kept as the entry's live frame.</summary>
    private List<RoomEntry> Decode(ReadOnlySpan<byte> data, string subject, ulong streamSeq)
    {
        var entries = new List<RoomEntry>();
        try
        {
            int offset = 0;
            while (offset < data.Length)
            {
                if (!FrameDecoder.TryRead(data[offset..], ProtocolLimits.MaxFrameBytes, out var message, out int consumed))
                {
                    throw new ProtocolException(ErrorCode.MalformedFrame, "the message ends inside a frame");
                }
                var draft = message switch
                {
                    RoomMessage m => RoomEntryDraft.Message(m.Room, m.TimeMs, m.From, m.Kind, m.Text),
                    RoomEvent e => RoomEntryDraft.Event(e.Room, e.TimeMs, e.Kind, e.Nick, e.Detail),
                    _ => throw new ProtocolException(ErrorCode.MalformedFrame, $"a {message.GetType().Name} is not a room entry"),
                };
                ulong seq = message is RoomMessage said ? said.Seq : ((RoomEvent)message).Seq;
                entries.Add(new RoomEntry(draft, seq) { WireFrame = data.Slice(offset, consumed).ToArray() });
                offset += consumed;
            }
        }
        catch (ProtocolException e)
        {
            ClusterLog.Unreadable(_logger, subject, streamSeq, e.Message);
            return [];
        }
        return entries;
    }
}
