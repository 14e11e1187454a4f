using System.CommandLine;

namespace TermChat.Cli;

/// <summary>`termchat` with no command: host a server on port 7777 and join it.</summary>
internal static class HostAndJoin
{
    public static int Run(ParseResult parseResult)
    {
        Console.Error.WriteLine("termchat: hosting and joining comes with the client issue; for now see 'termchat --help'.");
        return 2;
    }
}
