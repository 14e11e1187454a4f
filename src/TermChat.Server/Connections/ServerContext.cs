using Microsoft.Extensions.Logging;
using TermChat.Server.Security;
using TermChat.Server.Wire;

namespace TermChat.Server.Connections;

/// <summary>What every connection of a server shares.</summary>
internal sealed record ServerContext(WireFrontEnd Wire, ServerOptions Options, ServerStats Stats, ILogger Logger, ServerTls Tls);
