using System.CommandLine;
using TermChat.Cli.Commands;

namespace TermChat.Cli;

/// <summary>The root `termchat` command: wires the subcommands together and nothing else.</summary>
internal static class TermChatCommand
{
    public static RootCommand Create()
    {
        var root = new RootCommand("TermChat: terminal chat over raw TCP and UDP.\nWith no command, hosts a server on port 7777 and opens the chat client on it.");
        root.Subcommands.Add(ServeCommand.Create());
        root.Subcommands.Add(JoinCommand.Create());
        root.Subcommands.Add(BenchCommand.Create());
        root.Subcommands.Add(DiscoverCommand.Create());
        root.Subcommands.Add(NetcheckCommand.Create());
        root.Subcommands.Add(ServiceCommand.Create());
        root.Options.Add(HostAndJoin.NoDiscovery);
        root.SetAction(HostAndJoin.RunAsync);
        foreach (var version in root.Options.OfType<VersionOption>())
        {
            version.Action = new PrintVersionAction();
        }
        return root;
    }

    // Ctrl+C/SIGTERM cancel the action's token; System.CommandLine kills the process if the action has
    // not returned after this long. Its 2 s default cuts a server's graceful drain short.
    private static readonly TimeSpan TerminationGrace = TimeSpan.FromSeconds(10);

    public static Task<int> InvokeAsync(string[] args) =>
        Create().Parse(args).InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = TerminationGrace });
}
