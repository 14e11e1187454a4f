using TermChat.Protocol;
using TermChat.Protocol.Codec;
using TermChat.Protocol.Datagrams;
using TermChat.Protocol.Messages;

namespace TermChat.Server.Udp;

/// <summary>
/// The bridge to the front end: a new session becomes a front-end link, the front end's frames go into the session's engine, the front end
/// closes links, and sessions whose engine closed are reported to the front end once and then forgotten. Closed sessions
/// wait in a queue, so nothing scans the live ones to find them.
/// </summary>
internal sealed partial class UdpChatHandler
{
    private readonly Queue<UdpLink> _closed = new();

    /// <summary>Introduces a new session to the front end, before any of its frames.</summary>
    private void Admit(UdpLink link)
    {
        // Under the inbound gate, so no frame of this link reaches the front end before the front end knows the link.
        lock (link.InboundGate)
        {
            Log.UdpSessionOpened(_logger, link.Session.SessionId, link.Endpoint, link.Id);
            _stats.ConnectionOpened();
            link.Admitted = true;
            _frontEnd.TryConnect(link);
        }
    }

    /// <summary>The front end queues a frame (under the front end's lock). Only queues: the datagrams go to the sender's queue.</summary>
    internal bool Enqueue(UdpLink link, ReadOnlyMemory<byte> frame)
    {
        lock (_gate)
        {
            if (link.Closing || link.Session.State is SessionState.Closed or SessionState.Draining)
            {
                return false;
            }
            if (link.Session.TrySend(frame))
            {
                _stats.SendQueueDepth(link.Session.QueuedBytes);
                Flush(link, NowMs());
                return true;
            }
        }
        Log.SlowConsumer(_logger, link.Id, link.Remote.ToString() ?? "?", _options.MaxSendQueueBytes);
        CloseLink(link, ErrorCode.SendQueueExceeded,
            $"Your send queue passed {_options.MaxSendQueueBytes} bytes because you stopped reading; disconnecting.", discardQueued: true);
        return false;
    }

    /// <summary>Sends the final Error or Bye after what is queued, then closes the session once it is acknowledged.</summary>
    internal void CloseLink(UdpLink link, ErrorCode? code, string reason, bool discardQueued)
    {
        long now = NowMs();
        lock (_gate)
        {
            if (link.Closing)
            {
                return;
            }
            link.Closing = true;
            link.Reason = DisconnectReasons.For(code);
            link.Detail = code switch
            {
                ErrorCode.SendQueueExceeded => "send queue exceeded",
                ErrorCode.IdleTimeout => "ping timeout",
                _ => reason,
            };
            var session = link.Session;
            if (discardQueued)
            {
                session.DiscardQueued();
            }
            if (session.State is not (SessionState.Closed or SessionState.Draining))
            {
                session.TrySend(FrameEncoder.ToArray(code is { } c ? new Error(c, reason) : new Bye(reason)));
                session.Close(code == ErrorCode.ServerShutdown ? CloseCode.Shutdown : CloseCode.Normal, flush: true);
            }
            // A peer that stops acknowledging cannot hold the session open (Reschedule files this deadline).
            link.DrainDeadlineMs = now + (long)(discardQueued ? 1000 : _options.ShutdownDrain.TotalMilliseconds);
            Flush(link, now);
        }
    }

    /// <summary>
    /// Queues a link for <see cref="Reap"/> when its engine has closed and there is something to do: tell the front end, or
    /// forget it once its Close linger is over. Called under <c>_gate</c> wherever a session may have closed.
    /// </summary>
    private void NoteIfClosed(UdpLink link)
    {
        if (link.Session.State == SessionState.Closed && !link.ReapQueued && !link.Removed && (!link.Finished || link.Session.NextTimerMs == long.MaxValue))
        {
            link.ReapQueued = true;
            _closed.Enqueue(link);
        }
    }

    /// <summary>
    /// Tells the front end, once per link and outside the lock, about queued sessions whose engine has closed; forgets them
    /// once their Close linger is over too.
    /// </summary>
    private void Reap()
    {
        List<UdpLink>? finished = null;
        lock (_gate)
        {
            while (_closed.TryDequeue(out var link))
            {
                link.ReapQueued = false;
                // Like data before a TCP FIN, frames that arrived before the peer closed still reach the front end first
                // (flood control may be holding them; the link is queued again once they have); a link the server is
                // closing skips them.
                if (!link.Finished && (link.Closing || !link.HasPendingInput))
                {
                    link.Finished = true;
                    (finished ??= []).Add(link);
                    if (!link.Closing)
                    {
                        (link.Reason, link.Detail) = link.Session.CloseReason switch
                        {
                            SessionCloseReason.DeadPeer => (DisconnectReason.IdleTimeout, $"no acknowledgement for {_router.Options.DeadPeerTimeoutMs / 1000} s"),
                            SessionCloseReason.ProtocolViolation => (DisconnectReason.ProtocolError, "datagram protocol violation"),
                            _ => (DisconnectReason.PeerClosed, "connection closed"),
                        };
                    }
                }
                // A link still lingering is queued again when its timer finds the linger over.
                if (link.Finished && link.Session.NextTimerMs == long.MaxValue)
                {
                    link.Removed = true;
                    _links.Remove(link.Session.SessionId);
                    _router.Remove(link.Session.SessionId);
                    _deadlines.Remove(link);
                    _counters.SessionEnded(link.Session.Stats);
                    if (link.Association is { } association)
                    {
                        _dtls!.Release(association);
                    }
                }
            }
        }
        if (finished is null)
        {
            return;
        }
        foreach (var link in finished)
        {
            var stats = link.Session.Stats;
            Log.UdpSessionClosed(_logger, link.Session.SessionId, link.Id, link.Session.CloseReason, stats.SmoothedRttMs, stats.Retransmits, stats.PacketsLost);
            if (link.Admitted)
            {
                // Counted before the room hears the Quit, as on TCP: whoever sees the Quit sees the count.
                _stats.ConnectionClosed(link.Reason);
                _frontEnd.Disconnected(link, link.Detail);
                Log.Closed(_logger, link.Id, link.Reason, link.Detail);
            }
        }
    }
}
