using System.Threading.Channels;
using TermChat.Protocol.Messages;

namespace TermChat.Client.Transports;

/// <summary>
/// One link to a server carrying whole protocol messages: TCP, or reliable UDP. A transport is used
/// for one connection only; the session creates a new one for each (re)connect.
/// </summary>
/// <remarks>
/// Contract for implementers: <see cref="SendAsync"/> waits when the outbox is full (bounded, one writer
/// per socket); <see cref="Incoming"/> is bounded too, so a reader that stops reading stops the
/// transport reading the network. <see cref="Incoming"/> completes normally when the peer closes in
/// order, and with a <see cref="ChatLinkException"/> when the link fails.
/// </remarks>
public interface IChatTransport : IAsyncDisposable
{
    /// <summary>"TCP" or "UDP", for the status bar.</summary>
    string Name { get; }

    /// <summary>Messages from the server in order. Completes when the link ends.</summary>
    ChannelReader<Message> Incoming { get; }

    /// <summary>
    /// How the link is protected, once connected, for the user: e.g. "TLS 1.3, first contact: server key SHA256:… pinned";
    /// <see langword="null"/> for plaintext.
    /// </summary>
    string? Security => null;

    /// <summary>What the transport measures itself; TCP leaves RTT to the session's ping.</summary>
    LinkStats Stats { get; }

    /// <summary>Connects to <paramref name="endpoint"/>.</summary>
    /// <exception cref="ChatConnectException">The connection could not be made; the message says why.</exception>
    Task ConnectAsync(ChatEndpoint endpoint, CancellationToken cancellationToken);

    /// <summary>Queues <paramref name="message"/> for sending; waits while the outbox is full.</summary>
    /// <exception cref="ChatLinkException">The link is closed or failed.</exception>
    ValueTask SendAsync(Message message, CancellationToken cancellationToken);

    /// <summary>Sends what is queued, then closes the link in order. Idempotent.</summary>
    Task CloseAsync(CancellationToken cancellationToken);
}
