using System.CommandLine;
using System.CommandLine.Invocation;
using TermChat.Cli.Commands;
using TermChat.Cli.Usage;

namespace TermChat.Cli;

/// <summary>The root `termchat` command: wires the subcommands together and nothing else.</summary>
internal static class TermChatCommand
{
    public static RootCommand Create()
    {
        var root = new RootCommand("TermChat: terminal chat over raw TCP and UDP.\nWith no command, hosts a server (port 7777 unless --port) and opens the chat client on it.\n" +
            "Exit codes: 0 success, 1 failure (cannot connect, nothing found), 2 bad arguments, 130 interrupted.");
        root.Subcommands.Add(ServeCommand.Create());
        root.Subcommands.Add(JoinCommand.Create());
        root.Subcommands.Add(BenchCommand.Create());
        root.Subcommands.Add(DiscoverCommand.Create());
        root.Subcommands.Add(NetcheckCommand.Create());
        root.Subcommands.Add(ServiceCommand.Create());
        root.Subcommands.Add(CompletionCommand.Create());
        root.Subcommands.Add(HistoryCommand.Create());
        root.Subcommands.Add(IdentityCommand.Create());
        root.Options.Add(HostAndJoin.NoDiscovery);
        root.Options.Add(HostAndJoin.PortOption);
        root.Options.Add(HostAndJoin.ModeOption);
        root.Options.Add(HostAndJoin.IrcOption);
        root.Options.Add(HostAndJoin.NickOption);
        root.Options.Add(HostAndJoin.TransportOption);
        root.Options.Add(HostAndJoin.ScrollbackOption);
        root.Options.Add(HostAndJoin.ThemeOption);
        root.Options.Add(HostAndJoin.Data.Data);
        root.Options.Add(HostAndJoin.Data.Ephemeral);
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

    /// <summary>Parses and runs; every kind of bad input ends here as one line and exit code 2 (see <see cref="CliErrors"/>).</summary>
    public static async Task<int> InvokeAsync(string[] args)
    {
        var parseResult = Create().Parse(args);
        if (parseResult.Action is ParseErrorAction)
        {
            Console.Error.WriteLine(CliErrors.Describe(parseResult));
            return CliErrors.ExitUsage;
        }
        try
        {
            return await parseResult.InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = TerminationGrace, EnableDefaultExceptionHandler = false },
                ParentWatch.Start());
        }
        catch (UsageException exception)
        {
            Console.Error.WriteLine(CliErrors.Line(parseResult.CommandResult, exception.Message));
            return CliErrors.ExitUsage;
        }
        catch (OperationCanceledException)
        {
            return 130;
        }
        catch (Exception exception)
        {
            Console.Error.WriteLine(CliErrors.Unexpected(parseResult.CommandResult, exception));
            return CliErrors.ExitFailure;
        }
    }
}
