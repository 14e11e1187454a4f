using TermChat.Protocol;
using TermChat.Protocol.Codec;
using TermChat.Protocol.Messages;

namespace TermChat.Server.Udp;

/// <summary>
/// Flood backpressure: frames go to the front end in order, and a frame flood control refuses is held and offered again
/// when it allows, while later ones wait behind it (and past <c>MaxInboundBytes</c> new datagrams are dropped).
/// </summary>
internal sealed partial class UdpChatHandler
{
    /// <summary>Hands delivered frames to the front end in order; stops when flood control holds one back.</summary>
    private void Process(UdpLink link)
    {
        lock (link.InboundGate)
        {
            while (link.Admitted)
            {
                var message = link.Held;
                byte[]? bytes = null;
                lock (_gate)
                {
                    if (link.Closing || NowMs() < link.RetryAtMs)
                    {
                        return;
                    }
                    if (message is null)
                    {
                        if (!link.Inbound.TryDequeue(out bytes))
                        {
                            // Everything that arrived before a peer's Close has reached the front end: it may be reaped now.
                            NoteIfClosed(link);
                            return;
                        }
                        link.InboundBytes -= bytes.Length;
                        // Until the front end has it, the frame is still pending input: the link is not reported gone.
                        link.Handing = true;
                    }
                }
                if (bytes is not null)
                {
                    if (!TryDecode(link, bytes, out message))
                    {
                        lock (_gate)
                        {
                            link.Handing = false;
                        }
                        return;
                    }
                    _stats.FrameIn(bytes.Length);
                }
                bool taken = _frontEnd.TryHandle(link, message!, out var retryAfter);
                long now = NowMs();
                lock (_gate)
                {
                    link.Handing = false;
                    link.Held = taken ? null : message;
                    if (!taken)
                    {
                        link.RetryAtMs = now + Math.Max(1, (long)Math.Ceiling(retryAfter.TotalMilliseconds));
                        Reschedule(link, now);
                        return;
                    }
                }
            }
        }
    }

    /// <summary>Decodes one delivered message; a malformed one closes the link with the error.</summary>
    private bool TryDecode(UdpLink link, byte[] bytes, out Message message)
    {
        try
        {
            if (FrameDecoder.TryRead(bytes, _options.MaxFrameBytes, out message, out int consumed) && consumed == bytes.Length)
            {
                return true;
            }
            throw new ProtocolException(ErrorCode.MalformedFrame, "A datagram message must be exactly one frame.");
        }
        catch (ProtocolException exception)
        {
            _stats.ProtocolError();
            Log.UdpProtocolViolation(_logger, link.Id, link.Remote, exception.Code, exception.Message);
            CloseLink(link, exception.Code, exception.Message, discardQueued: false);
            message = null!;
            return false;
        }
    }
}
