namespace TermChat.Protocol;

/// <summary>
/// Raised by the codec for input that can never become a valid frame. "Need more bytes" is never
/// an exception; the decoder returns <see langword="false"/> for it instead.
/// </summary>
public sealed class ProtocolException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="code">The error code to report to the peer.</param>
    /// <param name="message">A human-readable reason.</param>
    public ProtocolException(ErrorCode code, string message) : base(message) => Code = code;

    /// <summary>The error code to report to the peer.</summary>
    public ErrorCode Code { get; }
}
