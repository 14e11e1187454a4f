using System.Net;

namespace TermChat.Server.Datagrams;

/// <summary>
/// The seam for serving the protocol over UDP on the TCP port. <see cref="ChatServer"/> binds the UDP
/// socket and each mode runs its receive side in its own style (select: in the Select set; threads: a
/// dedicated receive thread; async: a receive loop) and hands every datagram here. Without a handler the
/// UDP port is not bound and the banner says so.
/// </summary>
internal interface IDatagramHandler
{
    /// <summary>Called once before the first datagram, with the way to send datagrams back.</summary>
    void Start(IDatagramSender sender);

    /// <summary>
    /// One received datagram. Called from the mode's receive thread (the select thread in select mode),
    /// one datagram at a time; must not block. The span is only valid during the call.
    /// </summary>
    void OnDatagram(ReadOnlySpan<byte> datagram, IPEndPoint remote);

    /// <summary>Called once when the server stops, after the front end has told every session to close.</summary>
    /// <param name="pump">
    /// Null when the mode's own receive side keeps running while the handler drains. In select mode the
    /// handler is stopped on the select thread, the only one that touches the socket, so nothing would be
    /// received or sent while it drains: the handler calls <paramref name="pump"/> regularly to receive what
    /// arrived and send what was queued.
    /// </param>
    void Stop(Action? pump);
}
