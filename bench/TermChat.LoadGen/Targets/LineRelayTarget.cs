using System.Net;
using TermChat.LoadGen.Net;

namespace TermChat.LoadGen.Targets;

/// <summary>
/// A plain line relay such as <c>ncat --chat</c>: no handshake, no rooms; a line sent reaches every other
/// client, usually with a "&lt;user&gt; " prefix, so the message is the line's last word.
/// </summary>
public sealed class LineRelayTarget : BenchTarget
{
    /// <inheritdoc/>
    public override string Name => "line";

    /// <inheritdoc/>
    public override int MaxConcurrentConnects => 1;

    /// <inheritdoc/>
    public override BenchConnection Connect(EndPoint endpoint, string clientName, ConnectRole role, CancellationToken cancellationToken) =>
        ConnectWithTimeout(endpoint, role, _ => { }, cancellationToken);

    /// <inheritdoc/>
    public override int MaxMessageBytes(int textBytes) => textBytes + 1;

    /// <inheritdoc/>
    public override int WriteMessage(Span<byte> destination, ReadOnlySpan<byte> text)
    {
        text.CopyTo(destination);
        destination[text.Length] = (byte)'\n';
        return text.Length + 1;
    }

    /// <inheritdoc/>
    public override IStreamScanner CreateScanner() => new LastWordScanner();
}
