using TermChat.Protocol;

namespace TermChat.Client.Session;

/// <summary>The server refused the session; <see cref="Exception.Message"/> is one line for the user.</summary>
public sealed class ChatSessionException : Exception
{
    /// <summary>Creates the exception.</summary>
    public ChatSessionException(ErrorCode code, string message) : base(message) => Code = code;

    /// <summary>The server's error code.</summary>
    public ErrorCode Code { get; }
}
