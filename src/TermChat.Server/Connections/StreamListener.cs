using System.Net.Sockets;

namespace TermChat.Server.Connections;

/// <summary>
/// A bound TCP listener and what its connections speak. Every mode serves a list of them, so the TermChat port, the
/// IRC port and the line port share the mode's threads, outboxes and close protocol.
/// </summary>
/// <param name="Socket">The listening socket.</param>
/// <param name="Handler">Creates the handler of each accepted connection.</param>
internal sealed record StreamListener(Socket Socket, Func<TcpLink, IStreamHandler> Handler);
