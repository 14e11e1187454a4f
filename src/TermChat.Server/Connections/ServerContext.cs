using Microsoft.Extensions.Logging;
using TermChat.Server.Security;

namespace TermChat.Server.Connections;

/// <summary>What every connection of a server shares, whatever its front end (TLS included: every listener detects it).</summary>
internal sealed record ServerContext(ServerOptions Options, ServerStats Stats, ILogger Logger, ServerTls Tls);
