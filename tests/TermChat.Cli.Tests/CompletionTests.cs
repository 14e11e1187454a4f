using System.Diagnostics;

namespace TermChat.Cli.Tests;

/// <summary>`termchat completion bash` loaded into a real bash, asked for completions as bash's completion would ask.</summary>
public sealed class CompletionTests : IDisposable
{
    private readonly DirectoryInfo _bin = Directory.CreateTempSubdirectory("termchat-bin-");

    public CompletionTests()
    {
        // `termchat` on PATH, as an installed tool or binary would be.
        string dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet";
        string shim = Path.Combine(_bin.FullName, "termchat");
        File.WriteAllText(shim, $"#!/bin/sh\nexec '{dotnet}' '{Path.Combine(AppContext.BaseDirectory, "termchat.dll")}' \"$@\"\n");
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(shim, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }

    public void Dispose() => _bin.Delete(recursive: true);

    [Theory]
    [InlineData("termchat se", "serve service")]
    [InlineData("termchat serve --mod", "--mode")]
    [InlineData("termchat serve --mode ", "async select threads")]
    [InlineData("termchat join --transport u", "udp")]
    [InlineData("termchat completion f", "fish")]
    public async Task Bash_completes_commands_options_and_values(string line, string expected)
    {
        string words = string.Join(' ', line.Split(' ').Select(w => $"'{w}'"));
        string script = $"""
            source <(termchat completion bash)
            COMP_LINE='{line}'; COMP_POINT=${"{"}#COMP_LINE{"}"}; COMP_WORDS=({words}); COMP_CWORD=$(( ${"{"}#COMP_WORDS[@]{"}"} - 1 ))
            _termchat_complete
            printf '%s\n' "${"{"}COMPREPLY[@]{"}"}" | sort | tr '\n' ' '
            """;

        Assert.Equal(expected, (await BashAsync(script)).Trim());
    }

    [Theory]
    [InlineData("zsh", "compdef _termchat_complete termchat")]
    [InlineData("fish", "complete -c termchat")]
    public async Task Zsh_and_fish_scripts_ask_termchat_for_suggestions(string shell, string registration)
    {
        var (code, stdout, _) = await TermchatProcess.RunAsync(["completion", shell]);

        Assert.Equal(0, code);
        Assert.Contains(stdout, l => l.Contains("[suggest:", StringComparison.Ordinal));
        Assert.Contains(stdout, l => l.StartsWith(registration, StringComparison.Ordinal));
    }

    private async Task<string> BashAsync(string script)
    {
        var start = new ProcessStartInfo("bash", ["-c", script]) { RedirectStandardOutput = true, RedirectStandardError = true };
        start.Environment["PATH"] = _bin.FullName + ":" + Environment.GetEnvironmentVariable("PATH");
        using var bash = Process.Start(start)!;
        string output = await bash.StandardOutput.ReadToEndAsync();
        string errors = await bash.StandardError.ReadToEndAsync();
        await bash.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
        Assert.True(bash.ExitCode == 0, errors);
        return output;
    }
}
