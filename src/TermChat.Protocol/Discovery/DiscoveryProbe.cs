namespace TermChat.Protocol.Discovery;

/// <summary>A discovery probe; servers answer with a <see cref="DiscoveryReply"/> echoing <paramref name="Nonce"/>.</summary>
public sealed record DiscoveryProbe(ulong Nonce) : DiscoveryMessage
{
    public override DiscoveryMessageType Type => DiscoveryMessageType.Probe;
}
