using System.Text;
using TermChat.Protocol;
using TermChat.Server.Connections;
using TermChat.Server.Lines;

namespace TermChat.Server.LineMode;

/// <summary>
/// A TCP connection in line mode: telnet commands are filtered out, the rest is read as lines (UTF-8, or Latin-1 when
/// not) for the <see cref="LineFrontEnd"/>; a line longer than a TermChat message is dropped with a one-line notice.
/// </summary>
internal sealed class LineStream(LineFrontEnd lines, TcpLink link) : IStreamHandler
{
    /// <summary>A typed line may carry a whole TermChat message.</summary>
    private static readonly int MaxLineBytes = ProtocolLimits.MaxTextBytes;

    private readonly TelnetFilter _telnet = new();

    /// <summary>The server speaks first: the nick prompt goes out before the user types anything.</summary>
    public bool PeerSpeaksFirst => false;
    private readonly ReceiveBuffer _text = new();
    private readonly LineReader _reader = new(MaxLineBytes);
    private string? _held;

    public bool Admit() => lines.TryConnect(link);

    public InputResult Process(ReceiveBuffer buffer, out TimeSpan retryAfter)
    {
        retryAfter = TimeSpan.Zero;
        // Move what came in, without telnet commands, to the text buffer (the filter never grows it).
        while (buffer.Length > 0)
        {
            var room = _text.GetMemory().Span;
            var input = buffer.Data[..Math.Min(buffer.Length, room.Length)];
            _text.Advance(_telnet.Filter(input, room));
            buffer.Consume(input.Length);
        }
        while (!link.IsClosing)
        {
            if (_held is null)
            {
                switch (_reader.TryRead(_text, out string line, out int bytes))
                {
                    case LineResult.NeedMore:
                        _text.ReleaseIfEmpty();
                        return InputResult.NeedMore;
                    case LineResult.TooLong:
                        lines.InputTooLong(link, MaxLineBytes);
                        continue;
                }
                lines.Stats.FrameIn(bytes);
                _held = line;
            }
            if (!lines.TryHandle(link, _held, out retryAfter)) return InputResult.Throttled;
            _held = null;
        }
        return InputResult.Closing;
    }

    /// <summary>A last line without a line ending is not sent (nc sends one on Enter; Ctrl+D without one is dropped).</summary>
    public bool InputEnded(ReceiveBuffer buffer) => true;

    public byte[] Farewell(ErrorCode? code, string reason) => Encoding.UTF8.GetBytes($"-!- closing: {reason}\r\n");

    // The text buffer is not returned to the pool here: the reader may still be inside Process on its own thread.
    public void Disconnected(string reason) => lines.Disconnected(link, reason);
}
