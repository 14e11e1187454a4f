using System.CommandLine;

namespace TermChat.Cli;

/// <summary>
/// `termchat` with no command, in a build without the server library: says so in one line.
/// Replaced by HostAndJoin.cs as soon as src/TermChat.Server has its ChatServer (see TermChat.Cli.csproj).
/// </summary>
internal static class HostAndJoin
{
    public static Task<int> RunAsync(ParseResult parseResult, CancellationToken cancellationToken)
    {
        Console.Error.WriteLine("termchat: this build has no server to host; join one with 'termchat join HOST[:PORT]'");
        return Task.FromResult(2);
    }
}
