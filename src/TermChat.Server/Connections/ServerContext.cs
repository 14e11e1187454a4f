using Microsoft.Extensions.Logging;

namespace TermChat.Server.Connections;

/// <summary>What every connection of a server shares, whatever its front end.</summary>
internal sealed record ServerContext(ServerOptions Options, ServerStats Stats, ILogger Logger);
