namespace TermChat.Protocol.Discovery;

/// <summary>
/// A netcheck echo request of exactly <paramref name="Length"/> bytes, padded with a pattern derived from
/// the nonce and sequence number so the responder can tell whether it arrived intact.
/// </summary>
/// <param name="Nonce">Chosen by the prober for the whole run.</param>
/// <param name="Sequence">Numbers the requests of a run.</param>
/// <param name="Length">The whole datagram's size in bytes, as the sender wrote it.</param>
/// <param name="ReplyLength">The size asked of the reply; the responder caps it at the bytes it received.</param>
/// <param name="Intact">
/// Set by the parser: whether the datagram had the declared length and an unchanged padding pattern.
/// Ignored when encoding.
/// </param>
public sealed record EchoRequest(ulong Nonce, uint Sequence, int Length, int ReplyLength, bool Intact = true) : DiscoveryMessage
{
    public override DiscoveryMessageType Type => DiscoveryMessageType.EchoRequest;
}
