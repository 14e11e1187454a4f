namespace TermChat.Client.Session;

/// <summary>The link's state as the status bar shows it.</summary>
public abstract record ConnectionState
{
    /// <summary>A short text for a status bar, e.g. "reconnecting (attempt 3, next in 4 s)".</summary>
    public abstract string Describe();
}

/// <summary>The first connection is being made.</summary>
public sealed record Connecting(string Transport, string Server) : ConnectionState
{
    /// <inheritdoc/>
    public override string Describe() => $"connecting to {Server} over {Transport}";
}

/// <summary>The session is up.</summary>
/// <param name="Transport">The transport's name ("TCP", "TCP+TLS", "UDP").</param>
/// <param name="Server">The server as the user named it.</param>
/// <param name="Resumed">Whether the server resumed the session.</param>
/// <param name="Switched">Whether this link replaced another one on purpose (<c>/transport</c>).</param>
/// <param name="Security">How the link is protected (<see cref="Transports.IChatTransport.Security"/>), or null for plaintext.</param>
public sealed record Connected(string Transport, string Server, bool Resumed, bool Switched = false, string? Security = null) : ConnectionState
{
    /// <inheritdoc/>
    public override string Describe() => (
        Switched ? $"switched to {Transport}: the same session on {Server} carries on, nothing lost"
        : Resumed ? $"reconnected to {Server} over {Transport}, session resumed"
        : $"connected to {Server} over {Transport}") + (Security is null ? "" : $" ({Security})");
}

/// <summary>The link dropped; the next attempt starts after <paramref name="Delay"/>.</summary>
public sealed record Reconnecting(int Attempt, TimeSpan Delay, string Reason) : ConnectionState
{
    /// <inheritdoc/>
    public override string Describe() => $"{Reason}; reconnecting (attempt {Attempt}, next in {Math.Ceiling(Delay.TotalSeconds):0} s)";
}

/// <summary>The session ended and will not come back by itself.</summary>
public sealed record Disconnected(string Reason) : ConnectionState
{
    /// <inheritdoc/>
    public override string Describe() => $"disconnected: {Reason}";
}
