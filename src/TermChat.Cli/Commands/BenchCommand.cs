using System.CommandLine;

namespace TermChat.Cli.Commands;

/// <summary>`termchat bench`.</summary>
internal static class BenchCommand
{
    public static Command Create()
    {
        var command = new Command("bench", "Measure TermChat against real chat servers (coming with the benchmark issue).");
        command.SetAction(_ =>
        {
            Console.Error.WriteLine("termchat bench: not available yet in this build.");
            return 2;
        });
        return command;
    }
}
