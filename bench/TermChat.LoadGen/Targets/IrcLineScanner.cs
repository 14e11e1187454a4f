using System.Buffers;
using System.Text;

namespace TermChat.LoadGen.Targets;

/// <summary>
/// Reads IRC lines in place: the trailing parameter of each PRIVMSG goes to the sink, PING is answered
/// with PONG, ERROR is remembered.
/// </summary>
public sealed class IrcLineScanner : IStreamScanner
{
    private static ReadOnlySpan<byte> Privmsg => " PRIVMSG "u8;

    /// <inheritdoc/>
    public string? LastError { get; private set; }

    /// <inheritdoc/>
    public int Scan(ReadOnlySpan<byte> data, IProbeSink sink, IBufferWriter<byte> replies)
    {
        int consumed = 0;
        while (true)
        {
            int newline = data[consumed..].IndexOf((byte)'\n');
            if (newline < 0) break;
            var line = data.Slice(consumed, newline);
            consumed += newline + 1;
            if (!line.IsEmpty && line[^1] == '\r') line = line[..^1];
            if (line.StartsWith("PING"u8))
            {
                var rest = line[4..];
                var pong = replies.GetSpan(rest.Length + 6);
                "PONG"u8.CopyTo(pong);
                rest.CopyTo(pong[4..]);
                pong[4 + rest.Length] = (byte)'\r';
                pong[5 + rest.Length] = (byte)'\n';
                replies.Advance(rest.Length + 6);
                continue;
            }
            if (line.StartsWith("ERROR"u8))
            {
                LastError = Encoding.UTF8.GetString(line);
                continue;
            }
            if (TryPrivmsgText(line, out var text)) sink.OnText(text);
        }
        return consumed;
    }

    // ":nick!user@host PRIVMSG #chan :text" -> "text"
    internal static bool TryPrivmsgText(ReadOnlySpan<byte> line, out ReadOnlySpan<byte> text)
    {
        text = default;
        int command = line.IndexOf(Privmsg);
        if (command < 0) return false;
        var rest = line[(command + Privmsg.Length)..];
        int trailing = rest.IndexOf(" :"u8);
        if (trailing < 0) return false;
        text = rest[(trailing + 2)..];
        return true;
    }
}
