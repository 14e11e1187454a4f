using System.Text;
using TermChat.Protocol;
using TermChat.Server.Connections;
using TermChat.Server.Lines;

namespace TermChat.Server.Irc;

/// <summary>
/// A TCP connection speaking IRC: lines (CR LF, or a lone LF or CR) go to the <see cref="IrcFrontEnd"/>; a line over
/// the limit (512 bytes plus 4096 of tags) is dropped with 417 and the connection goes on; the final message is
/// <c>ERROR :Closing Link</c>.
/// </summary>
internal sealed class IrcStream(IrcFrontEnd irc, TcpLink link) : IStreamHandler
{
    private readonly LineReader _lines = new(IrcText.MaxClientLineBytes);
    // A line flood control held back: offered again, before any other, when the delay has passed.
    private string? _held;

    public bool Admit() => irc.TryConnect(link);

    public InputResult Process(ReceiveBuffer buffer, out TimeSpan retryAfter)
    {
        retryAfter = TimeSpan.Zero;
        while (!link.IsClosing)
        {
            if (_held is null)
            {
                switch (_lines.TryRead(buffer, out string line, out int bytes))
                {
                    case LineResult.NeedMore:
                        return InputResult.NeedMore;
                    case LineResult.TooLong:
                        irc.InputTooLong(link);
                        continue;
                }
                irc.Stats.FrameIn(bytes);
                _held = line;
            }
            if (!irc.TryHandle(link, _held, out retryAfter)) return InputResult.Throttled;
            _held = null;
        }
        return InputResult.Closing;
    }

    /// <summary>A last line without its line ending is not a command (RFC 1459 section 2.3): the connection just ends.</summary>
    public bool InputEnded(ReceiveBuffer buffer) => true;

    public byte[] Farewell(ErrorCode? code, string reason) =>
        Encoding.UTF8.GetBytes(IrcText.Line("", "", "ERROR", "Closing Link: " + reason));

    public void Disconnected(string reason) => irc.Disconnected(link, reason);
}
