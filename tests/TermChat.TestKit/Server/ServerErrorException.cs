using TermChat.Protocol.Messages;

namespace TermChat.TestKit.Server;

/// <summary>The server answered with an Error where the test expected success.</summary>
public sealed class ServerErrorException(Error error) : Exception($"{error.Code}: {error.Text}")
{
    /// <summary>The Error frame.</summary>
    public Error Error { get; } = error;
}
