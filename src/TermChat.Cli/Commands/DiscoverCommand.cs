using System.CommandLine;

namespace TermChat.Cli.Commands;

/// <summary>`termchat discover`.</summary>
internal static class DiscoverCommand
{
    public static Command Create()
    {
        var command = new Command("discover", "Find TermChat servers on the LAN (coming with the LAN issue).");
        command.SetAction(_ =>
        {
            Console.Error.WriteLine("termchat discover: not available yet in this build.");
            return 2;
        });
        return command;
    }
}
