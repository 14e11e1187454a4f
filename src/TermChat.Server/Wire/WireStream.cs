using TermChat.Protocol;
using TermChat.Protocol.Codec;
using TermChat.Protocol.Messages;
using TermChat.Server.Connections;

namespace TermChat.Server.Wire;

/// <summary>
/// A TCP connection speaking the TermChat wire: frames decoded with <see cref="FrameDecoder"/> go to the
/// <see cref="WireFrontEnd"/>, and the final frame is Error or Bye.
/// </summary>
internal sealed class WireStream(WireFrontEnd wire, TcpLink link) : IStreamHandler
{
    // A frame flood control held back: offered again, before any other, when the delay has passed.
    private Message? _held;

    public bool Admit() => wire.TryConnect(link);

    public InputResult Process(ReceiveBuffer buffer, out TimeSpan retryAfter)
    {
        retryAfter = TimeSpan.Zero;
        while (!link.IsClosing)
        {
            if (_held is null)
            {
                int consumed;
                Message message;
                try
                {
                    if (!FrameDecoder.TryRead(buffer.Data, wire.Options.MaxFrameBytes, out message, out consumed))
                    {
                        return InputResult.NeedMore;
                    }
                }
                catch (ProtocolException exception)
                {
                    link.ProtocolViolation(exception.Code, exception.Message);
                    return InputResult.Closing;
                }
                buffer.Consume(consumed);
                wire.Stats.FrameIn(consumed);
                _held = message;
            }
            if (!wire.TryHandle(link, _held, out retryAfter))
            {
                return InputResult.Throttled;
            }
            _held = null;
        }
        return InputResult.Closing;
    }

    /// <summary>Bytes of an incomplete frame at the end are a frame cut short (PROTOCOL.md section 1, rule 4).</summary>
    public bool InputEnded(ReceiveBuffer buffer)
    {
        try
        {
            FrameDecoder.ThrowIfTruncated(buffer.Data);
            return true;
        }
        catch (ProtocolException exception)
        {
            link.ProtocolViolation(exception.Code, exception.Message);
            return false;
        }
    }

    public byte[] Farewell(ErrorCode? code, string reason) =>
        FrameEncoder.ToArray(code is { } c ? new Error(c, reason) : new Bye(reason));

    public void Disconnected(string reason) => wire.Disconnected(link, reason);
}
