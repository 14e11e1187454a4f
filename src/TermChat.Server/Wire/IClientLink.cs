using System.Net;
using TermChat.Protocol;

namespace TermChat.Server.Wire;

/// <summary>
/// One client connection as the wire front end sees it, whatever the transport (TCP in any mode, UDP sessions).
/// The front end only queues encoded frames and asks to close; the transport owns the socket.
/// </summary>
/// <remarks>
/// Contract for implementers: <see cref="TryEnqueue"/> and <see cref="Close"/> are called while the front end or the core
/// holds its lock, from any thread. They must never block, never call back into either, and must be
/// safe to call concurrently with the transport's own threads. The transport reports the end of the
/// connection exactly once with <see cref="WireFrontEnd.Disconnected"/>, from its own thread.
/// </remarks>
internal interface IClientLink
{
    /// <summary>A process-wide unique id (use <see cref="WireFrontEnd.NextLinkId"/>).</summary>
    long Id { get; }

    /// <summary>The peer's address; its IP counts towards the per-IP limit.</summary>
    EndPoint Remote { get; }

    /// <summary>"tcp" or "udp", for logs and stats.</summary>
    string Transport { get; }

    /// <summary>
    /// The fingerprint of the key the client proved it holds (its TLS or DTLS client certificate), or null for a client
    /// without one (plaintext, or no certificate). It must be known before the first frame is handed to
    /// <see cref="WireFrontEnd.TryHandle"/>: the chat core binds nicks to it (docs/SECURITY.md, "Identity").
    /// </summary>
    string? KeyFingerprint => null;

    /// <summary>
    /// Queues one complete encoded frame for sending. The bytes are shared between receivers and must
    /// not be modified. Returns <see langword="false"/> if the link is closing or its send queue would pass
    /// its bound, in which case the link closes itself with <see cref="ErrorCode.SendQueueExceeded"/>.
    /// </summary>
    bool TryEnqueue(ReadOnlyMemory<byte> frame);

    /// <summary>
    /// Sends <see cref="Protocol.Messages.Error"/>(<paramref name="code"/>, <paramref name="reason"/>), or
    /// <see cref="Protocol.Messages.Bye"/>(<paramref name="reason"/>) when <paramref name="code"/> is null,
    /// after the frames already queued, then closes. Idempotent: only the first call counts.
    /// </summary>
    void Close(ErrorCode? code, string reason);
}
