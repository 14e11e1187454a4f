using System.Buffers;
using System.Buffers.Text;
using System.Text;

namespace TermChat.LoadGen.Targets;

/// <summary>
/// Reads the NATS text protocol in place: <c>MSG subject sid [reply] bytes\r\n</c> followed by the
/// payload and CRLF; PING is answered with PONG, -ERR remembered, other control lines skipped.
/// </summary>
public sealed class NatsScanner : IStreamScanner
{
    /// <inheritdoc/>
    public string? LastError { get; private set; }

    /// <inheritdoc/>
    public int Scan(ReadOnlySpan<byte> data, IProbeSink sink, IBufferWriter<byte> replies)
    {
        int consumed = 0;
        while (true)
        {
            var rest = data[consumed..];
            int newline = rest.IndexOf((byte)'\n');
            if (newline < 0) break;
            var line = rest[..newline];
            if (!line.IsEmpty && line[^1] == '\r') line = line[..^1];
            if (line.StartsWith("MSG "u8))
            {
                int space = line.LastIndexOf((byte)' ');
                if (!Utf8Parser.TryParse(line[(space + 1)..], out int size, out int used) || used != line.Length - space - 1 || size < 0)
                {
                    throw new InvalidDataException("A NATS MSG line without a byte count.");
                }
                int total = newline + 1 + size + 2;
                if (rest.Length < total) break;
                sink.OnText(rest.Slice(newline + 1, size));
                consumed += total;
                continue;
            }
            consumed += newline + 1;
            if (line.SequenceEqual("PING"u8))
            {
                "PONG\r\n"u8.CopyTo(replies.GetSpan(6));
                replies.Advance(6);
            }
            else if (line.StartsWith("-ERR"u8))
            {
                LastError = Encoding.UTF8.GetString(line);
            }
        }
        return consumed;
    }
}
