using System.Net;
using System.Text;
using TermChat.LoadGen.Net;

namespace TermChat.LoadGen.Targets;

/// <summary>
/// An IRC server: NICK/USER registration (answering PING cookies), JOIN #bench (publishers too: channels
/// are +n by default), PRIVMSG #bench :text. Nicks stay within 9 characters, the RFC 1459 limit.
/// </summary>
public sealed class IrcTarget : BenchTarget
{
    private static readonly byte[] s_prefix = Encoding.ASCII.GetBytes("PRIVMSG #" + Room + " :");

    /// <inheritdoc/>
    public override string Name => "irc";

    /// <inheritdoc/>
    public override BenchConnection Connect(EndPoint endpoint, string clientName, ConnectRole role, CancellationToken cancellationToken) =>
        ConnectWithTimeout(endpoint, role, connection => Handshake(connection, clientName, role), cancellationToken);

    private static void Handshake(BenchConnection connection, string nick, ConnectRole role)
    {
        connection.SendAscii($"NICK {nick}\r\nUSER {nick} 0 * :{nick}\r\n");
        bool registered = false;
        while (true)
        {
            string line = connection.ReadLine();
            if (line.StartsWith("PING", StringComparison.Ordinal))
            {
                connection.SendAscii("PONG" + line[4..] + "\r\n");
                continue;
            }
            if (line.StartsWith("ERROR", StringComparison.Ordinal))
            {
                throw new InvalidOperationException($"The IRC server refused {nick}: {line}");
            }
            string numeric = Numeric(line);
            if (!registered && numeric == "001")
            {
                registered = true;
                if (role == ConnectRole.Idle) return;
                connection.SendAscii($"JOIN #{Room}\r\n");
            }
            else if (registered && numeric == "366")
            {
                return; // end of NAMES: the join is complete
            }
            else if (numeric is "432" or "433" or "436" or "465" or "471" or "473" or "474" or "475")
            {
                throw new InvalidOperationException($"The IRC server refused {nick}: {line}");
            }
        }
    }

    // ":server 001 nick :Welcome" -> "001"
    internal static string Numeric(string line)
    {
        var parts = line.Split(' ', 3);
        return parts.Length >= 2 && line.StartsWith(':') ? parts[1] : "";
    }

    /// <inheritdoc/>
    public override int MaxMessageBytes(int textBytes) => s_prefix.Length + textBytes + 2;

    /// <inheritdoc/>
    public override int WriteMessage(Span<byte> destination, ReadOnlySpan<byte> text)
    {
        s_prefix.CopyTo(destination);
        text.CopyTo(destination[s_prefix.Length..]);
        int at = s_prefix.Length + text.Length;
        destination[at] = (byte)'\r';
        destination[at + 1] = (byte)'\n';
        return at + 2;
    }

    /// <inheritdoc/>
    public override IStreamScanner CreateScanner() => new IrcLineScanner();
}
