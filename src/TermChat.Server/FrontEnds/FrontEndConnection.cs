using System.Net;
using TermChat.Protocol;
using TermChat.Server.Connections;
using TermChat.Server.Core;
using TermChat.Server.Limits;
using TermChat.Server.Wire;

namespace TermChat.Server.FrontEnds;

/// <summary>
/// What one connection is to any front end (TermChat wire, IRC, line mode): its link and address, when it was
/// admitted, its flood gate, its core session once registered, the input it holds for the cluster, and whether a
/// close has begun. Each front end's
/// connection adds what its protocol needs and is the session's <see cref="ISessionSink"/>.
/// </summary>
internal abstract class FrontEndConnection
{
    private volatile bool _closing;

    protected FrontEndConnection(IClientLink link, IPAddress? address, long now, FloodGate flood)
    {
        Link = link;
        Address = address;
        ConnectedAt = now;
        Flood = flood;
    }

    public IClientLink Link { get; }

    /// <summary>The client's address (for the per-IP cap and IP bans); null when the transport has none.</summary>
    public IPAddress? Address { get; }

    /// <summary>When the connection was admitted (monotonic timestamp).</summary>
    public long ConnectedAt { get; }

    public FloodGate Flood { get; }

    /// <summary>The core session once registered; cleared when it ends or moves to another connection.</summary>
    public CoreSession? Session { get; set; }

    /// <summary>Input held until the cluster answers a nick claim (a registration or a nick change).</summary>
    public InputHold Hold { get; } = new();

    /// <summary>A close has begun; set from the core's events too, hence volatile.</summary>
    public bool Closing => _closing;

    /// <summary>Sends the front end's final line or frame (an error with <paramref name="code"/>, a goodbye when it is null) and closes.</summary>
    public void Close(ErrorCode? code, string reason)
    {
        _closing = true;
        Link.Close(code, reason);
    }
}
