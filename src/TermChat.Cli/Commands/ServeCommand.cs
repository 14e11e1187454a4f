using System.CommandLine;

namespace TermChat.Cli.Commands;

/// <summary>`termchat serve`.</summary>
internal static class ServeCommand
{
    public static Command Create()
    {
        var command = new Command("serve", "Run a headless chat server (coming with the server issue).");
        command.SetAction(_ =>
        {
            Console.Error.WriteLine("termchat serve: not available yet in this build.");
            return 2;
        });
        return command;
    }
}
