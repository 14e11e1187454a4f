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

// Storing this node's entries: one publish in flight per room, refused and renumbered when another node got there first.
internal sealed partial class JetStreamRoomLog
{
    /// <summary>The loop that stores a room's pending entries, one batch in flight at a time, until none is left.</summary>
    private async Task PublishAsync(ClusterRoom room)
    {
        string subject = _link.RoomSubject(room.Name);
        var token = _stop.Token;
        while (!token.IsCancellationRequested)
        {
            PublishBatch batch;
            lock (_gate)
            {
                if (room.Pending.Count == 0)
                {
                    room.Publishing = false;
                    return;
                }
                batch = room.Batch ??= NextBatch(room);
            }
            try
            {
                var ack = await _link.JetStream.PublishAsync(subject, batch.Payload,
                    opts: new NatsJSPubOpts { MsgId = batch.MsgId, ExpectedLastSubjectSequence = batch.ExpectedStreamSeq },
                    cancellationToken: token).ConfigureAwait(false);
                if (ack.Error is { } error) throw new NatsJSApiException(error);
                Stored(room, batch, ack.Seq);
            }
            catch (NatsJSApiException e) when (e.Error.ErrCode == 10071)
            {
                // 10071, wrong last sequence: another node stored entries in the room first. Learn where the room
                // ends now; the pending entries get the seqs after it.
                if (!await Retried(room, () => Overtaken(room, batch, subject, token), token).ConfigureAwait(false)) return;
            }
            catch (OperationCanceledException) when (token.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is NatsException or TimeoutException or OperationCanceledException)
            {
                // The outcome is unknown (the ack was lost) or the engine refused: the same batch goes again under the
                // same message id, which JetStream stores at most once.
                if (_link.IsConnected) _publishFailure = $"The cluster cannot store messages now ({e.Message}): room messages are refused until it can.";
                ClusterLog.PublishFailed(_logger, room.Name, e.Message);
                if (!await Pause(token).ConfigureAwait(false)) return;
            }
        }
    }

    /// <summary>Runs <paramref name="step"/>; a failure of the engine is logged and waited out. False once the log stops.</summary>
    private async Task<bool> Retried(ClusterRoom room, Func<Task> step, CancellationToken cancellationToken)
    {
        try
        {
            await step().ConfigureAwait(false);
            return true;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return false;
        }
        catch (Exception e) when (e is NatsException or TimeoutException or OperationCanceledException)
        {
            ClusterLog.PublishFailed(_logger, room.Name, e.Message);
            return await Pause(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Waits before a retry. False once the log stops.</summary>
    private static async Task<bool> Pause(CancellationToken cancellationToken)
    {
        try
        {
            await Task.Delay(RetryDelay, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    /// <summary>The room's next batch: its pending entries, sequenced after the room's head, as many as fit.</summary>
    private PublishBatch NextBatch(ClusterRoom room)
    {
        ulong seq = room.HeadSeq;
        if (room.Pending[0].Seq != seq + 1)
        {
            foreach (var entry in room.Pending) entry.Resequence(++seq);
        }
        var entries = new List<RoomEntry>();
        int bytes = 0;
        foreach (var entry in room.Pending)
        {
            if (entries.Count > 0 && bytes + entry.Size > MaxBatchBytes) break;
            entries.Add(entry);
            bytes += entry.Size;
        }
        var payload = new byte[entries.Sum(entry => EntryFrames.Live(entry).Length)];
        int offset = 0;
        foreach (var entry in entries)
        {
            byte[] frame = EntryFrames.Live(entry);
            frame.CopyTo(payload, offset);
            offset += frame.Length;
        }
        string msgId = $"{_link.NodeId}-{++_batches}";
        _inFlight[msgId] = entries;
        return new PublishBatch(msgId, entries, room.HeadStreamSeq, payload);
    }

    private void Stored(ClusterRoom room, PublishBatch batch, ulong streamSeq)
    {
        lock (_gate)
        {
            if (!ReferenceEquals(room.Batch, batch)) return;
            room.Batch = null;
            room.Pending.RemoveRange(0, batch.Entries.Count);
            room.AdvanceHead(batch.Entries[^1].Seq, streamSeq);
        }
        _publishFailure = null;
    }

    /// <summary>The publish was refused because the room's subject moved on: reads its newest message to learn the head.</summary>
    private async Task Overtaken(ClusterRoom room, PublishBatch batch, string subject, CancellationToken cancellationToken)
    {
        var stream = await _link.JetStream.GetStreamAsync(_link.RoomStream, cancellationToken: cancellationToken).ConfigureAwait(false);
        var last = await stream.GetAsync(new StreamMsgGetRequest { LastBySubj = subject }, cancellationToken).ConfigureAwait(false);
        var stored = last.Message;
        if (stored.Data.Span.SequenceEqual(batch.Payload))
        {
            // Ours after all: stored by an attempt whose ack was lost, past the duplicate window.
            Stored(room, batch, stored.Seq);
            return;
        }
        var entries = Decode(stored.Data.Span, stored.Subject, stored.Seq);
        lock (_gate)
        {
            _inFlight.Remove(batch.MsgId);
            room.Batch = null;
            if (entries.Count > 0) room.AdvanceHead(entries[^1].Seq, stored.Seq);
        }
    }
}
