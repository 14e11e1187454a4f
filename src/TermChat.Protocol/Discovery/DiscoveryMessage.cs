namespace TermChat.Protocol.Discovery;

/// <summary>
/// One discovery or netcheck datagram. Encode with <see cref="DiscoveryCodec.Write"/> and parse with
/// <see cref="DiscoveryCodec.TryParse"/>, which never throws: a datagram it cannot read is ignored.
/// </summary>
public abstract record DiscoveryMessage
{
    private protected DiscoveryMessage()
    {
    }

    /// <summary>The type byte.</summary>
    public abstract DiscoveryMessageType Type { get; }

    /// <summary>The request or reply correlation nonce chosen by the prober.</summary>
    public abstract ulong Nonce { get; init; }
}
