namespace TermChat.Protocol.Discovery;

/// <summary>The answer to an <see cref="EchoRequest"/>.</summary>
/// <param name="Nonce">The request's nonce.</param>
/// <param name="Sequence">The request's sequence number.</param>
/// <param name="ReceivedLength">How many bytes of the request arrived.</param>
/// <param name="RequestIntact">Whether the request arrived with its declared length and pattern unchanged.</param>
/// <param name="Length">The whole reply datagram's size, padded with the same kind of pattern.</param>
/// <param name="Intact">
/// Set by the parser: whether this reply had its declared length and an unchanged padding pattern.
/// Ignored when encoding.
/// </param>
public sealed record EchoReply(ulong Nonce, uint Sequence, int ReceivedLength, bool RequestIntact, int Length, bool Intact = true) : DiscoveryMessage
{
    public override DiscoveryMessageType Type => DiscoveryMessageType.EchoReply;
}
