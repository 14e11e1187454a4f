using System.CommandLine;

namespace TermChat.Cli.Commands;

/// <summary>
/// `termchat completion bash|zsh|fish`: a script that asks termchat itself for completions through
/// System.CommandLine's [suggest] directive, so commands, options and option values complete as they are today,
/// with nothing to regenerate when an option is added.
/// </summary>
internal static class CompletionCommand
{
    private static readonly Dictionary<string, string> s_scripts = new()
    {
        ["bash"] = """
            # termchat completion for bash. Load it in ~/.bashrc with:  source <(termchat completion bash)
            _termchat_complete() {
              local IFS=$'\n'
              local cur="${COMP_WORDS[COMP_CWORD]}"
              COMPREPLY=($(compgen -W "$(command termchat "[suggest:${COMP_POINT}]" "${COMP_LINE}" 2>/dev/null)" -- "$cur"))
            }
            complete -o default -F _termchat_complete termchat

            """,
        ["zsh"] = """
            # termchat completion for zsh. Load it in ~/.zshrc (after compinit) with:  source <(termchat completion zsh)
            _termchat_complete() {
              local -a items
              items=("${(@f)$(command termchat "[suggest:${CURSOR}]" "${BUFFER}" 2>/dev/null)}")
              compadd -a items
            }
            compdef _termchat_complete termchat

            """,
        ["fish"] = """
            # termchat completion for fish. Install it with:  termchat completion fish > ~/.config/fish/completions/termchat.fish
            complete -c termchat -f -a '(command termchat "[suggest:"(commandline -C)"]" (commandline) 2>/dev/null)'

            """,
    };

    public static Command Create()
    {
        var shell = new Argument<string>("shell") { Description = "bash, zsh or fish" };
        shell.AcceptOnlyFromAmong([.. s_scripts.Keys]);
        var command = new Command("completion",
            "Print a shell completion script for termchat's commands, options and values.\n" +
            "bash: source <(termchat completion bash)   zsh: source <(termchat completion zsh)\n" +
            "fish: termchat completion fish > ~/.config/fish/completions/termchat.fish")
        {
            shell,
        };
        command.SetAction(parseResult =>
        {
            Console.Out.Write(s_scripts[parseResult.GetValue(shell)!]);
            return 0;
        });
        return command;
    }
}
