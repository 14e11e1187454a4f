namespace TermChat.LoadGen.Targets;

/// <summary>
/// A trivial echo server: each line comes back to its sender. Only the ping-pong scenario uses it, as
/// the floor that a chat server's round trip is compared with.
/// </summary>
public sealed class EchoTarget : BenchTarget
{
    private readonly LineRelayTarget _lines = new();

    /// <inheritdoc/>
    public override string Name => "echo";

    /// <inheritdoc/>
    public override bool Relays => false;

    /// <inheritdoc/>
    public override bool EchoesToSender => true;

    /// <inheritdoc/>
    public override Net.BenchConnection Connect(System.Net.EndPoint endpoint, string clientName, ConnectRole role, CancellationToken cancellationToken) =>
        _lines.Connect(endpoint, clientName, role, cancellationToken);

    /// <inheritdoc/>
    public override int MaxMessageBytes(int textBytes) => _lines.MaxMessageBytes(textBytes);

    /// <inheritdoc/>
    public override int WriteMessage(Span<byte> destination, ReadOnlySpan<byte> text) => _lines.WriteMessage(destination, text);

    /// <inheritdoc/>
    public override IStreamScanner CreateScanner() => new LastWordScanner();
}
