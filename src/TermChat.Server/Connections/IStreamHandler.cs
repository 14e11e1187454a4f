using TermChat.Protocol;

namespace TermChat.Server.Connections;

/// <summary>
/// What one TCP connection speaks: the front end's side of a <see cref="TcpLink"/>. The link and its mode move bytes
/// and run the close protocol; the handler admits the connection, turns received bytes into its front end's
/// commands, and encodes the final message. The TermChat wire, IRC and the line mode each have one.
/// </summary>
/// <remarks>Every method is called from the connection's own I/O thread (or the select loop), one at a time.</remarks>
internal interface IStreamHandler
{
    /// <summary>
    /// Whether the peer speaks first (TermChat, IRC), so that a refusal queued before its first byte can wait to learn
    /// whether that peer speaks TLS; false for the line mode, whose prompt goes out before the user types anything.
    /// </summary>
    bool PeerSpeaksFirst => true;

    /// <summary>Admits the connection to its front end; a refused one has already been told why and is closing.</summary>
    bool Admit();

    /// <summary>Handles every complete unit (frame, line) in <paramref name="buffer"/>, in order, consuming what it handled.</summary>
    /// <param name="buffer">The received bytes.</param>
    /// <param name="retryAfter">When the result is <see cref="InputResult.Throttled"/>: how long to stop reading.</param>
    InputResult Process(ReceiveBuffer buffer, out TimeSpan retryAfter);

    /// <summary>
    /// The peer ended its stream with <paramref name="buffer"/> left over. Returns <see langword="false"/> when the
    /// leftover is a violation the handler has answered by closing the link; otherwise the link simply ends.
    /// </summary>
    bool InputEnded(ReceiveBuffer buffer);

    /// <summary>The last bytes sent before closing: an error with <paramref name="code"/>, or a goodbye when it is null.</summary>
    byte[] Farewell(ErrorCode? code, string reason);

    /// <summary>The connection has ended (called once, after an admitted or refused <see cref="Admit"/>).</summary>
    void Disconnected(string reason);
}
