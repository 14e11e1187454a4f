using System.CommandLine;

namespace TermChat.Cli.Commands;

/// <summary>`termchat join`.</summary>
internal static class JoinCommand
{
    public static Command Create()
    {
        var command = new Command("join", "Open the full-screen chat client (coming with the client issue).");
        command.SetAction(_ =>
        {
            Console.Error.WriteLine("termchat join: not available yet in this build.");
            return 2;
        });
        return command;
    }
}
