using TermChat.Protocol.Messages;

namespace TermChat.Client.Session;

/// <summary>What the app state needs from a session: implemented by <see cref="ClientSession"/>, faked in tests.</summary>
public interface IChatSession
{
    /// <summary>Our nick as the server granted it.</summary>
    string Nick { get; }

    /// <summary>The current transport's display name ("TCP"/"UDP").</summary>
    string TransportName { get; }

    /// <summary>The server address as typed.</summary>
    string Server { get; }

    /// <summary>Sends a message; while reconnecting it is held and sent after the session resumes.</summary>
    ValueTask SendAsync(Message message, CancellationToken cancellationToken);

    /// <summary>Reconnects over another transport ("tcp"/"udp"), keeping nick, rooms and history position.</summary>
    Task SwitchTransportAsync(string transport, CancellationToken cancellationToken);

    /// <summary>Completes when the server has handled everything sent before the call.</summary>
    Task FlushAsync(CancellationToken cancellationToken);

    /// <summary>Says goodbye and closes; no reconnect follows.</summary>
    Task QuitAsync(string reason, CancellationToken cancellationToken);
}
