using System.Diagnostics;
using System.Text;

namespace TermChat.Cli.Tests.EndToEnd;

/// <summary>
/// A private tmux server (its own socket, no user config) for driving real terminals from tests.
/// Every session is a real pseudo-terminal running a real process; screens are read with capture-pane.
/// Disposing kills the tmux server and everything in it.
/// </summary>
internal sealed class Tmux : IDisposable
{
    private static readonly Lazy<string?> s_path = new(() => FindOnPath("tmux"));
    private readonly string _socket = $"termchat-e2e-{Guid.NewGuid():N}"[..24];

    /// <summary>The tmux executable, or null when tmux is not installed.</summary>
    public static string? Path => s_path.Value;

    /// <summary>Starts <paramref name="command"/> (run by bash) in a new detached session of the given size.</summary>
    public void NewSession(string name, int width, int height, string command) =>
        Run("new-session", "-d", "-s", name, "-x", width.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "-y", height.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "-e", "TERM=xterm-256color", "-e", "LANG=C.UTF-8", "-e", "LC_ALL=C.UTF-8",
            "bash", "--noprofile", "--norc", "-c", command);

    /// <summary>Appends every byte the session's program writes to its terminal to <paramref name="file"/> (pipe-pane -O).</summary>
    public void PipeOutput(string session, string file) => Run("pipe-pane", "-O", "-t", session, $"cat >> '{file}'");

    /// <summary>Types text literally (no key names), e.g. UTF-8 text.</summary>
    public void Type(string session, string text) => Run("send-keys", "-t", session, "-l", text);

    /// <summary>Sends tmux key names: Enter, PPage, NPage, End, C-c...</summary>
    public void Keys(string session, params string[] keys) => Run(["send-keys", "-t", session, .. keys]);

    /// <summary>The process id of the command the session's pane runs (its shell).</summary>
    public int PanePid(string session) =>
        int.Parse(Run("display-message", "-p", "-t", session, "#{pane_pid}").Trim(), System.Globalization.CultureInfo.InvariantCulture);

    public void Resize(string session, int width, int height) =>
        Run("resize-window", "-t", session, "-x", width.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "-y", height.ToString(System.Globalization.CultureInfo.InvariantCulture));

    /// <summary>The visible screen of the session's pane, one string per row (trailing spaces trimmed by tmux).</summary>
    /// <remarks>With <paramref name="joinWrapped"/>, a line the terminal wrapped comes back as one row.</remarks>
    public string[] Capture(string session, bool joinWrapped = false)
    {
        string text = joinWrapped ? Run("capture-pane", "-p", "-J", "-t", session) : Run("capture-pane", "-p", "-t", session);
        var lines = text.Split('\n');
        // capture-pane ends with a newline; drop the empty element after it.
        return text.EndsWith('\n') ? lines[..^1] : lines;
    }

    /// <summary>The visible screen with its colours and styles as SGR escape sequences (capture-pane -e), one string per row.</summary>
    public string[] CaptureWithStyles(string session)
    {
        string text = Run("capture-pane", "-p", "-e", "-t", session);
        var lines = text.Split('\n');
        return text.EndsWith('\n') ? lines[..^1] : lines;
    }

    /// <summary>A tmux format expanded for the session's pane, e.g. <c>#{pane_title}</c> or <c>#{alternate_on}</c>.</summary>
    public string Format(string session, string format) => Run("display-message", "-p", "-t", session, format).TrimEnd('\n');

    /// <summary>Polls a tmux format until it expands to <paramref name="expected"/>; fails with the last value after <paramref name="timeout"/>.</summary>
    public async Task WaitForFormatAsync(string session, string format, string expected, string what, TimeSpan? timeout = null)
    {
        var deadline = Stopwatch.StartNew();
        var limit = timeout ?? TimeSpan.FromSeconds(15);
        string value = "";
        while (deadline.Elapsed < limit)
        {
            value = Format(session, format);
            if (value == expected)
            {
                return;
            }
            await Task.Delay(100);
        }
        throw new Xunit.Sdk.XunitException($"Timed out after {limit.TotalSeconds:0} s waiting in '{session}' for {what}.\nExpected: {expected}\nActual:   {value}");
    }

    /// <summary>Polls the screen until <paramref name="condition"/> holds; fails with the last screen after <paramref name="timeout"/>.</summary>
    public async Task<string[]> WaitForAsync(string session, Func<string[], bool> condition, string what, TimeSpan? timeout = null)
    {
        var deadline = Stopwatch.StartNew();
        var limit = timeout ?? TimeSpan.FromSeconds(15);
        string[] screen = [];
        while (deadline.Elapsed < limit)
        {
            screen = Capture(session);
            if (condition(screen))
            {
                return screen;
            }
            await Task.Delay(100);
        }
        throw new Xunit.Sdk.XunitException($"Timed out after {limit.TotalSeconds:0} s waiting in '{session}' for {what}. Screen:\n{string.Join("\n", screen.Select(l => $"|{l}|"))}");
    }

    /// <summary>
    /// How many columns tmux itself advances the cursor by for each of <paramref name="texts"/> (no line breaks):
    /// a ruler session prints each at the start of a cleared line and asks for the cursor position (CSI 6n), so the
    /// answer is the terminal's own, not a width table's. A captured row's prefix measured this way gives the column
    /// a character on that row is really in.
    /// </summary>
    public async Task<int[]> MeasureColumnsAsync(IReadOnlyList<string> texts, TimeSpan? timeout = null)
    {
        string folder = Directory.CreateTempSubdirectory("termchat-ruler-").FullName;
        try
        {
            string input = System.IO.Path.Combine(folder, "texts");
            string output = System.IO.Path.Combine(folder, "columns");
            File.WriteAllText(input, string.Concat(texts.Select(t => t + "\n")), new UTF8Encoding(false));
            string script = System.IO.Path.Combine(folder, "ruler.sh");
            // read -d R from the terminal: bash puts it in non-canonical mode, so the reply arrives without a newline.
            File.WriteAllText(script, """
                while IFS= read -r line <&3; do
                  printf '\r\033[2K%s\033[6n' "$line"
                  IFS='[;' read -rsd R _ _ col < /dev/tty
                  echo $((col - 1)) >> "$2"
                done 3< "$1"
                echo done >> "$2"
                exec sleep 600
                """);
            int width = Math.Max(80, texts.Count == 0 ? 0 : texts.Max(t => t.Length * 2) + 10);
            string session = $"ruler{Guid.NewGuid():N}"[..12];
            NewSession(session, width, 5, $"bash --noprofile --norc '{script}' '{input}' '{output}'");
            var deadline = Stopwatch.StartNew();
            var limit = timeout ?? TimeSpan.FromSeconds(30);
            while (!(File.Exists(output) && File.ReadAllText(output).EndsWith("done\n", StringComparison.Ordinal)))
            {
                if (deadline.Elapsed > limit)
                {
                    throw new Xunit.Sdk.XunitException($"Timed out after {limit.TotalSeconds:0} s measuring {texts.Count} texts in tmux; got: {(File.Exists(output) ? File.ReadAllText(output) : "nothing")}");
                }
                await Task.Delay(100);
            }
            Run("kill-session", "-t", session);
            return [.. File.ReadAllLines(output).SkipLast(1).Select(l => int.Parse(l, System.Globalization.CultureInfo.InvariantCulture))];
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    public void Dispose()
    {
        try
        {
            string socket = Run("display-message", "-p", "#{socket_path}").Trim();
            Run("kill-server");
            // tmux leaves its socket file behind; a test run should not.
            if (socket.Length > 0)
            {
                File.Delete(socket);
            }
        }
        catch (InvalidOperationException)
        {
            // No sessions left means no server: nothing to kill.
        }
    }

    private string Run(params string[] args)
    {
        var info = new ProcessStartInfo(Path ?? "tmux")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
        };
        foreach (string arg in (string[])["-u", "-L", _socket, "-f", "/dev/null", .. args])
        {
            info.ArgumentList.Add(arg);
        }
        info.Environment["LANG"] = "C.UTF-8";
        info.Environment["LC_ALL"] = "C.UTF-8";
        info.Environment.Remove("TMUX");
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(10_000))
        {
            process.Kill(entireProcessTree: true);
            throw new InvalidOperationException($"tmux {string.Join(' ', args)} did not finish");
        }
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"tmux {string.Join(' ', args)} failed ({process.ExitCode}): {stderr.Result.Trim()}");
        }
        return stdout.Result;
    }

    /// <summary>The full path of an executable on PATH, or null when it is not installed.</summary>
    internal static string? FindOnPath(string name)
    {
        foreach (string dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(System.IO.Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            string candidate = System.IO.Path.Combine(dir, name);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }
        return null;
    }
}
