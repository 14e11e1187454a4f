namespace TermChat.Client.Transports;

/// <summary>An established link failed or was closed; the message is one readable line.</summary>
public sealed class ChatLinkException : Exception
{
    /// <summary>Creates the exception.</summary>
    public ChatLinkException(string message, Exception? inner = null) : base(message, inner)
    {
    }
}
