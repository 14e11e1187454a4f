using TermChat.Client.Transports;

namespace TermChat.Client.Session;

/// <summary>Settings for <see cref="ClientSession"/>.</summary>
public sealed class ClientSessionOptions
{
    /// <summary>The server to connect to.</summary>
    public required ChatEndpoint Endpoint { get; init; }

    /// <summary>
    /// Further servers of the same cluster (<c>termchat join host1,host2,host3</c>): when the server in use cannot be
    /// reached, the next is tried, in turn, at the first connect and on every reconnect. Seqs are the same on every
    /// node of a cluster, so the room cursors sent on a reconnect catch up exactly wherever it lands.
    /// </summary>
    public IReadOnlyList<ChatEndpoint> OtherEndpoints { get; init; } = [];

    /// <summary>The nick to ask for.</summary>
    public required string Nick { get; init; }

    /// <summary>
    /// Alternate nicks tried at the first connect when the nick is in use (<c>alice_</c>, <c>alice__</c>, …),
    /// as IRC clients do; 0 fails at once. A nick held by our own dropped session is a common cause: the
    /// server keeps it for the owner to resume until it notices the old link is dead.
    /// </summary>
    public int NickFallbacks { get; init; } = 3;

    /// <summary>"tcp" or "udp".</summary>
    public string Transport { get; init; } = "tcp";

    /// <summary>The clock; tests pass a manual one.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>How long the handshake (Hello to Welcome) may take.</summary>
    public TimeSpan HandshakeTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Ping interval when the server's Welcome gives none.</summary>
    public TimeSpan DefaultKeepalive { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>Whether to reconnect after a dropped link.</summary>
    public bool AutoReconnect { get; init; } = true;

    /// <summary>First reconnect delay; it doubles on each failed attempt.</summary>
    public TimeSpan ReconnectBaseDelay { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Longest reconnect delay.</summary>
    public TimeSpan ReconnectMaxDelay { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Attempts before giving up; 0 means keep trying.</summary>
    public int MaxReconnectAttempts { get; init; }

    /// <summary>Source of jitter (0..1); tests pass a fixed one.</summary>
    public Func<double> Jitter { get; init; } = Random.Shared.NextDouble;

    /// <summary>Events waiting to be read before the session stops reading the link (backpressure).</summary>
    public int EventCapacity { get; init; } = 1024;
}
