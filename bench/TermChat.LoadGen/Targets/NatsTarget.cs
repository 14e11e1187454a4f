using System.Globalization;
using System.Net;
using System.Text;
using TermChat.LoadGen.Net;

namespace TermChat.LoadGen.Targets;

/// <summary>
/// A NATS server over its text protocol: INFO, CONNECT (verbose off, echo off), SUB bench 1, then a
/// PING whose PONG proves the subscription is in place; messages are PUB bench N / MSG bench 1 N.
/// </summary>
public sealed class NatsTarget : BenchTarget
{
    private static readonly byte[] s_prefix = Encoding.ASCII.GetBytes("PUB " + Room + " ");

    /// <inheritdoc/>
    public override string Name => "nats";

    /// <inheritdoc/>
    public override BenchConnection Connect(EndPoint endpoint, string clientName, ConnectRole role, CancellationToken cancellationToken) =>
        ConnectWithTimeout(endpoint, role, connection => Handshake(connection, clientName, role), cancellationToken);

    private static void Handshake(BenchConnection connection, string name, ConnectRole role)
    {
        string info = connection.ReadLine();
        if (!info.StartsWith("INFO", StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"Not a NATS server: it said \"{info}\".");
        }
        var hello = new StringBuilder()
            .Append("CONNECT {\"verbose\":false,\"pedantic\":false,\"echo\":false,\"name\":\"").Append(name).Append("\"}\r\n");
        if (role == ConnectRole.Subscriber) hello.Append("SUB ").Append(Room).Append(" 1\r\n");
        hello.Append("PING\r\n");
        connection.SendAscii(hello.ToString());
        while (true)
        {
            string line = connection.ReadLine();
            if (line == "PONG") return;
            if (line == "PING") connection.SendAscii("PONG\r\n");
            else if (line.StartsWith("-ERR", StringComparison.Ordinal)) throw new InvalidOperationException($"nats-server refused {name}: {line}");
        }
    }

    /// <inheritdoc/>
    public override int MaxMessageBytes(int textBytes) => s_prefix.Length + 10 + 2 + textBytes + 2;

    /// <inheritdoc/>
    public override int WriteMessage(Span<byte> destination, ReadOnlySpan<byte> text)
    {
        s_prefix.CopyTo(destination);
        int at = s_prefix.Length;
        text.Length.TryFormat(destination[at..], out int digits, default, CultureInfo.InvariantCulture);
        at += digits;
        destination[at++] = (byte)'\r';
        destination[at++] = (byte)'\n';
        text.CopyTo(destination[at..]);
        at += text.Length;
        destination[at++] = (byte)'\r';
        destination[at++] = (byte)'\n';
        return at;
    }

    /// <inheritdoc/>
    public override IStreamScanner CreateScanner() => new NatsScanner();
}
