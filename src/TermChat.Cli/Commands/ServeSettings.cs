using TermChat.Server;

namespace TermChat.Cli.Commands;

/// <summary>What `termchat serve` runs with, once the command line and the --config file are read.</summary>
/// <param name="Server">The server's own settings.</param>
/// <param name="LogLevel">trace … none, as typed.</param>
/// <param name="DiscoveryOff">--no-discovery.</param>
/// <param name="DiscoveryPort">The UDP port discovery answers on.</param>
/// <param name="ConfigPath">The --config file, reread on SIGHUP; null without one.</param>
/// <param name="KeyFile">The server's key file (--key, or server.key beside the data file); null keeps a key in memory only.</param>
internal sealed record ServeSettings(ServerOptions Server, string LogLevel, bool DiscoveryOff, int DiscoveryPort, string? ConfigPath, string? KeyFile);
