using System.Net;
using TermChat.LoadGen.Scenarios;

namespace TermChat.LoadGen.Udp;

/// <summary>
/// An idle session of the connections scenario over reliable UDP, opened the way a client opens one (over DTLS: the DTLS
/// handshake first; then the datagram layer's cookie handshake and Hello/Welcome).
/// </summary>
internal sealed class UdpIdleSession(UdpBenchClient client) : IIdleSession
{
    /// <summary>
    /// Sessions opened at once: the server runs at most 8 DTLS handshakes per address (ServerDtls) and drops further
    /// ClientHellos until one ends, so more would measure its resend timers, not its handshakes. Plaintext uses the
    /// same number, so the two are compared alike.
    /// </summary>
    public const int Parallelism = 8;

    private static readonly TimeSpan WelcomeTimeout = TimeSpan.FromSeconds(20);

    public bool IsOpen => client is { Welcomed: true, Failure: null };

    /// <summary>Reliable UDP as a transport of the connections scenario; with <paramref name="dtls"/> every session runs inside DTLS.</summary>
    public static IdleTransport Transport(EndPoint endpoint, bool dtls) =>
        new(dtls ? "termchat-udp-dtls" : "termchat-udp", Parallelism, "sessions", "welcomed",
            (nick, _) => new UdpIdleSession(new UdpBenchClient(endpoint, nick, new Receiver(long.MaxValue, count: false), dtls) { Idle = true }));

    /// <summary>Starts the session and waits for its Welcome.</summary>
    /// <exception cref="Exception">The DTLS handshake failed (BouncyCastle's TlsTimeoutException, a socket error).</exception>
    public string? Open()
    {
        client.Start();
        return client.WaitWelcomed(WelcomeTimeout) ? null : client.Failure ?? $"no Welcome within {WelcomeTimeout.TotalSeconds:0} s";
    }

    public void Dispose() => client.Dispose();
}
