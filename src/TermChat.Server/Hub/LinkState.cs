using System.Net;

namespace TermChat.Server.Hub;

/// <summary>The hub's per-connection bookkeeping: timers, flood bucket and the session once registered.</summary>
internal sealed class LinkState
{
    public LinkState(IClientLink link, IPAddress? address, long now, TokenBucket bucket)
    {
        Link = link;
        Address = address;
        ConnectedAt = now;
        LastHeard = now;
        Bucket = bucket;
    }

    public IClientLink Link { get; }

    public IPAddress? Address { get; }

    public long ConnectedAt { get; }

    public long LastHeard { get; set; }

    public bool PingOutstanding { get; set; }

    public TokenBucket Bucket { get; }

    /// <summary>When flood control last delayed this connection.</summary>
    public long LastFloodNotice { get; set; } = long.MinValue;

    public bool FloodNoticeSent { get; set; }

    public ChatSession? Session { get; set; }

    public bool Closing { get; set; }
}
