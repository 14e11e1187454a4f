using System.Diagnostics;
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

// Storing this node's entries: a few publishes in flight per room, each stored only where the node expects the room to
// end; refused and renumbered when another node got there first.
internal sealed partial class JetStreamRoomLog
{
    // How many publishes of one room may be on their way at once. With one, whatever is appended while it waits for
    // its ack waits a whole round trip more, and on a busy node that wait was most of an entry's time to its members
    // (docs/BENCHMARKS.md, "Cluster"); with a few, entries go out as they come while the acks are still on their way.
    private const int MaxInFlight = 4;

    // After a publish sent behind another was refused because something else was stored between them (other rooms or
    // nodes writing to the stream at that moment), the room publishes one at a time for this long: another try would
    // likely be refused too, and each refusal costs a publish.
    private static readonly TimeSpan OneAtATimeAfterRefusal = TimeSpan.FromSeconds(1);

    // JetStream's refusals: "wrong last sequence" (the room's subject moved on) and "wrong last msg ID" (the stream's
    // last message is not the batch this one was sent behind).
    private const int WrongLastSubjectSequence = 10071;
    private const int WrongLastMsgId = 10070;

    /// <summary>
    /// The loop that stores a room's pending entries until none is left: it sends a batch of whatever is pending as
    /// soon as fewer than <see cref="MaxInFlight"/> are on their way, and handles their acks in the order sent.
    /// </summary>
    private async Task PublishAsync(ClusterRoom room)
    {
        string subject = _link.RoomSubject(room.Name);
        var token = _stop.Token;
        // The acks of room.InFlight, in the same order.
        var acks = new Queue<Task<PubAckResponse>>();
        while (!token.IsCancellationRequested)
        {
            List<PublishBatch>? fresh = null;
            Task? appended = null;
            lock (_gate)
            {
                if (room.Pending.Count == 0)
                {
                    room.Publishing = false;
                    room.Appended = null;
                    return;
                }
                int limit = InFlightLimit(room);
                while (room.InFlightEntries < room.Pending.Count && room.InFlight.Count < limit) (fresh ??= []).Add(NextBatch(room));
                if (room.InFlight.Count < limit)
                {
                    room.Appended = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                    appended = room.Appended.Task;
                }
            }
            if (fresh is not null)
            {
                foreach (var batch in fresh) acks.Enqueue(Send(subject, batch, token));
            }
            var ack = acks.Peek();
            if (appended is not null && !ack.IsCompleted)
            {
                // Whichever comes first: the oldest publish's ack, or entries to send behind it.
                await Task.WhenAny(ack, appended).ConfigureAwait(false);
                if (!ack.IsCompleted) continue;
            }
            PubAckResponse response;
            try
            {
                response = await ack.ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (token.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is NatsException or TimeoutException or OperationCanceledException)
            {
                // The outcome is unknown (the ack was lost): this batch and those behind it go again, in order, under the
                // same message ids, which JetStream stores at most once.
                if (!await Failed(room, e.Message, acks, token).ConfigureAwait(false)) return;
                Resend(room, subject, acks, token);
                continue;
            }
            _ = acks.Dequeue();
            PublishBatch stored;
            lock (_gate) stored = room.InFlight[0];
            if (response.Error is null)
            {
                Stored(room, stored, response.Seq);
                continue;
            }
            // Refused: the publishes sent behind it were sent expecting it to be stored. Wait for what became of them.
            await Settled(acks).ConfigureAwait(false);
            switch (response.Error.ErrCode)
            {
                case WrongLastSubjectSequence:
                    // Another node stored entries in the room first. Learn where the room ends now; the pending entries
                    // get the seqs after it.
                    if (!await Retried(room, () => Overtaken(room, stored, subject, token), token).ConfigureAwait(false)) return;
                    break;
                case WrongLastMsgId:
                    // Something else was stored between the batch before and this one: this one and those behind it
                    // were not stored and go again, sequenced after the room's head, which is now known.
                    lock (_gate)
                    {
                        Dissolve(room);
                        room.SingleUntil = Stopwatch.GetTimestamp() + (long)(OneAtATimeAfterRefusal.TotalSeconds * Stopwatch.Frequency);
                    }
                    break;
                default:
                    // The engine refuses to store (out of space, the stream gone…): the same batches go again.
                    if (!await Failed(room, response.Error.Description ?? $"error {response.Error.ErrCode}", acks, token).ConfigureAwait(false)) return;
                    break;
            }
            Resend(room, subject, acks, token);
        }
    }

    /// <summary>One publish at a time for a while after a refused one sent behind another; otherwise <see cref="MaxInFlight"/>.</summary>
    private static int InFlightLimit(ClusterRoom room) => Stopwatch.GetTimestamp() < room.SingleUntil ? 1 : MaxInFlight;

    /// <summary>Publishes a batch where the node expects the room to end: after the subject's last message, or right after the batch it was sent behind.</summary>
    private Task<PubAckResponse> Send(string subject, PublishBatch batch, CancellationToken cancellationToken)
    {
        var opts = batch.After is { } after
            ? new NatsJSPubOpts { MsgId = batch.MsgId, ExpectedLastMsgId = after }
            : new NatsJSPubOpts { MsgId = batch.MsgId, ExpectedLastSubjectSequence = batch.ExpectedStreamSeq };
        return _link.JetStream.PublishAsync(subject, batch.Payload, opts: opts, cancellationToken: cancellationToken).AsTask();
    }

    /// <summary>Sends again every batch still in flight, unchanged and in order (after a failure, all their acks have settled).</summary>
    private void Resend(ClusterRoom room, string subject, Queue<Task<PubAckResponse>> acks, CancellationToken cancellationToken)
    {
        List<PublishBatch> again;
        lock (_gate) again = [.. room.InFlight];
        acks.Clear();
        foreach (var batch in again) acks.Enqueue(Send(subject, batch, cancellationToken));
    }

    /// <summary>Waits until every ack still awaited has come (or failed); what they say no longer matters.</summary>
    private static async Task Settled(Queue<Task<PubAckResponse>> acks)
    {
        try
        {
            await Task.WhenAll(acks).ConfigureAwait(false);
        }
        catch (Exception e) when (e is NatsException or TimeoutException or OperationCanceledException)
        {
            // Each batch still in flight goes again under its message id: stored at most once whatever happened here.
        }
        acks.Clear();
    }

    /// <summary>The engine failed to store or to answer: says so to senders while the link is up, then waits. False once the log stops.</summary>
    private async Task<bool> Failed(ClusterRoom room, string why, Queue<Task<PubAckResponse>> acks, CancellationToken cancellationToken)
    {
        if (_link.IsConnected) _publishFailure = $"The cluster cannot store messages now ({why}): room messages are refused until it can.";
        ClusterLog.PublishFailed(_logger, room.Name, why);
        await Settled(acks).ConfigureAwait(false);
        return await Pause(cancellationToken).ConfigureAwait(false);
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

    /// <summary>
    /// The room's next batch, put in flight: the pending entries not yet in a batch, sequenced after those that are (or
    /// after the room's head if none is), as many as fit. The first batch in flight is expected at the end of the room's
    /// subject; one behind it right after the batch before.
    /// </summary>
    private PublishBatch NextBatch(ClusterRoom room)
    {
        var before = room.InFlight.Count > 0 ? room.InFlight[^1] : null;
        ulong seq = before is null ? room.HeadSeq : before.Entries[^1].Seq;
        int first = room.InFlightEntries;
        if (room.Pending[first].Seq != seq + 1)
        {
            for (int i = first; i < room.Pending.Count; i++) room.Pending[i].Resequence(++seq);
        }
        var entries = new List<RoomEntry>();
        int bytes = 0;
        for (int i = first; i < room.Pending.Count; i++)
        {
            var entry = room.Pending[i];
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
        var batch = new PublishBatch(msgId, entries, room.HeadStreamSeq, before?.MsgId, payload);
        room.InFlight.Add(batch);
        room.InFlightEntries += entries.Count;
        return batch;
    }

    private void Stored(ClusterRoom room, PublishBatch batch, ulong streamSeq)
    {
        lock (_gate) StoredLocked(room, batch, streamSeq);
        _publishFailure = null;
    }

    /// <summary>The oldest batch in flight is stored (at <paramref name="streamSeq"/>, or 0 if not known): its entries are no longer pending.</summary>
    private void StoredLocked(ClusterRoom room, PublishBatch batch, ulong streamSeq)
    {
        if (room.InFlight.Count == 0 || !ReferenceEquals(room.InFlight[0], batch)) return;
        room.InFlight.RemoveAt(0);
        room.InFlightEntries -= batch.Entries.Count;
        room.Pending.RemoveRange(0, batch.Entries.Count);
        room.AdvanceHead(batch.Entries[^1].Seq, streamSeq);
    }

    /// <summary>No batch is in flight any more (none was stored): their entries are pending again, to be sequenced and sent anew.</summary>
    private void Dissolve(ClusterRoom room)
    {
        foreach (var batch in room.InFlight) _inFlight.Remove(batch.MsgId);
        room.InFlight.Clear();
        room.InFlightEntries = 0;
    }

    /// <summary>The publish was refused because the room's subject moved on: reads its newest message to learn the head.</summary>
    private async Task Overtaken(ClusterRoom room, PublishBatch batch, string subject, CancellationToken cancellationToken)
    {
        var stream = await _link.JetStream.GetStreamAsync(_link.RoomStream, cancellationToken: cancellationToken).ConfigureAwait(false);
        var last = await stream.GetAsync(new StreamMsgGetRequest { LastBySubj = subject }, cancellationToken).ConfigureAwait(false);
        var stored = last.Message;
        var entries = Decode(stored.Data.Span, stored.Subject, stored.Seq);
        lock (_gate)
        {
            // Ours after all: stored by attempts whose acks were lost, past the duplicate window; a batch behind
            // another is stored only right after it, so every batch up to that one is stored.
            int ours = room.InFlight.FindIndex(inFlight => stored.Data.Span.SequenceEqual(inFlight.Payload));
            if (ours >= 0)
            {
                for (int i = 0; i <= ours; i++) StoredLocked(room, room.InFlight[0], i == ours ? stored.Seq : 0);
                return;
            }
            Dissolve(room);
            if (entries.Count > 0) room.AdvanceHead(entries[^1].Seq, stored.Seq);
        }
    }
}
