using System.CommandLine;
using TermChat.Server;

namespace TermChat.Cli.Usage;

/// <summary>
/// <c>--mode</c> as a <see cref="ServerMode"/> for `serve` and for `termchat` alone: its names are the lower-case ones
/// (<see cref="ServerModeNames"/>), in help and in completion, and a bad one is refused in one line.
/// </summary>
internal static class ServerModeOption
{
    /// <summary>A fresh <c>--mode</c> option (an option belongs to one command), async unless given.</summary>
    public static Option<ServerMode> Create(string description)
    {
        var option = new Option<ServerMode>("--mode")
        {
            Description = description,
            DefaultValueFactory = _ => ServerMode.Async,
            // System.CommandLine's own enum conversion would also take "1" and answer in several lines naming the .NET type.
            CustomParser = result =>
            {
                string text = result.Tokens[^1].Value;
                if (ServerModeNames.TryParse(text, out var mode))
                {
                    return mode;
                }
                result.AddError($"--mode {OptionRules.Quote(text)} is not one of: {string.Join(", ", ServerModeNames.All)}");
                return default;
            },
        };
        // Completion (and the help's <async|select|threads>) offers the names users type, not the enum's.
        option.CompletionSources.Clear();
        option.CompletionSources.Add([.. ServerModeNames.All]);
        return option;
    }
}
