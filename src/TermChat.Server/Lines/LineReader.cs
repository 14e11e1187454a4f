using System.Text;
using System.Text.Unicode;
using TermChat.Server.Connections;

namespace TermChat.Server.Lines;

/// <summary>
/// Splits one connection's received bytes into text lines, for the line-based front ends (IRC, the nc/telnet line
/// mode). CR LF, LF or a lone CR ends a line, so clients that send only one of them work. A line longer than the limit
/// is dropped whole, however long it goes on, and reported once; memory never grows past the limit. A line that is
/// not valid UTF-8 is read as Latin-1, the fallback IRC clients expect from servers.
/// </summary>
/// <remarks>Per connection, not thread-safe: one I/O thread reads a connection at a time.</remarks>
internal sealed class LineReader(int maxBytes)
{
    // Inside a line that passed the limit: everything up to its end is dropped.
    private bool _discarding;

    /// <summary>Bytes a line may have, without its line ending.</summary>
    public int MaxBytes => maxBytes;

    /// <summary>Takes the next line off <paramref name="buffer"/>.</summary>
    /// <param name="buffer">Received bytes; what is read is consumed.</param>
    /// <param name="line">The line, when the result is <see cref="LineResult.Line"/>: without its ending, never empty.</param>
    /// <param name="bytes">The bytes the line took on the wire, ending included.</param>
    public LineResult TryRead(ReceiveBuffer buffer, out string line, out int bytes)
    {
        line = "";
        bytes = 0;
        while (true)
        {
            var data = buffer.Data;
            int end = data.IndexOfAny((byte)'\r', (byte)'\n');
            if (_discarding)
            {
                if (end < 0)
                {
                    buffer.Consume(data.Length);
                    return LineResult.NeedMore;
                }
                buffer.Consume(end + 1);
                _discarding = false;
                continue;
            }
            if (end < 0)
            {
                if (data.Length <= maxBytes) return LineResult.NeedMore;
                buffer.Consume(data.Length);
                _discarding = true;
                return LineResult.TooLong;
            }
            if (end > maxBytes)
            {
                buffer.Consume(end + 1);
                return LineResult.TooLong;
            }
            if (end == 0)
            {
                // The LF of a CR LF, or an empty line: nothing to hand on.
                buffer.Consume(1);
                continue;
            }
            line = Decode(data[..end]);
            bytes = end + 1;
            buffer.Consume(end + 1);
            return LineResult.Line;
        }
    }

    /// <summary>UTF-8 when the bytes are valid UTF-8, Latin-1 (every byte one character) otherwise.</summary>
    public static string Decode(ReadOnlySpan<byte> bytes) =>
        Utf8.IsValid(bytes) ? Encoding.UTF8.GetString(bytes) : Encoding.Latin1.GetString(bytes);
}
