using System.Net;

namespace TermChat.Server.Datagrams;

/// <summary>Sends datagrams from the server's UDP socket. Safe to call from any thread; never blocks.</summary>
internal interface IDatagramSender
{
    /// <summary>
    /// Queues one datagram for the socket's one sender and takes ownership of <paramref name="buffer"/>, which must
    /// come from <see cref="System.Buffers.ArrayPool{T}.Shared"/>: it goes back to the pool once sent or dropped.
    /// Returns <see langword="false"/> if it was dropped (queue full or stopping), as UDP may drop anyway.
    /// </summary>
    bool TrySend(byte[] buffer, int length, IPEndPoint remote);

    /// <summary>Queued datagrams the socket then refused; they are lost like any datagram.</summary>
    long Failed { get; }
}
