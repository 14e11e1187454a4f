using Microsoft.Extensions.Logging;
using TermChat.Server.Hub;

namespace TermChat.Server.Connections;

/// <summary>What every connection of a server shares.</summary>
internal sealed record ServerContext(ChatHub Hub, ServerOptions Options, ServerStats Stats, ILogger Logger);
