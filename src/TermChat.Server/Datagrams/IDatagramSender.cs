using System.Net;

namespace TermChat.Server.Datagrams;

/// <summary>Sends datagrams from the server's UDP socket. Safe to call from any thread; never blocks.</summary>
public interface IDatagramSender
{
    /// <summary>
    /// Sends or queues one datagram. Returns <see langword="false"/> if it was dropped (socket buffer or
    /// queue full, or stopping), as UDP may drop anyway.
    /// </summary>
    bool TrySend(ReadOnlyMemory<byte> datagram, IPEndPoint remote);
}
