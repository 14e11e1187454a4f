namespace TermChat.LoadGen.Scenarios;

/// <summary>One idle client of <see cref="ConnectionsScenario"/>, over whatever transport.</summary>
public interface IIdleSession : IDisposable
{
    /// <summary>Whether the session is still open when the server's memory is read.</summary>
    bool IsOpen { get; }

    /// <summary>Finishes opening the session, blocking (for a transport whose <see cref="IdleTransport.Create"/> did not).</summary>
    /// <returns>Null once the server has registered it, or why it has not.</returns>
    /// <exception cref="Exception">The handshake failed (a socket error, a DTLS timeout).</exception>
    string? Open();
}
