using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;

namespace TermChat.Cli.Tests;

/// <summary>The termchat binary running as a child process, with its output captured.</summary>
internal sealed partial class ServerProcess : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly StringBuilder _errors = new();
    private readonly TaskCompletionSource<int> _port = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private readonly List<(string Text, TaskCompletionSource Seen)> _waiters = [];
    private int _parsedPort;

    private ServerProcess(Process process) => _process = process;

    public string Output
    {
        get { lock (_output) return _output.ToString(); }
    }

    public string Errors
    {
        get { lock (_errors) return _errors.ToString(); }
    }

    public string[] ErrorLines => Errors.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    public static ServerProcess Start(params string[] args)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "termchat.dll"));
        foreach (var arg in args) info.ArgumentList.Add(arg);
        info.Environment["NO_COLOR"] = "1";
        var process = new Process { StartInfo = info };
        var termchat = new ServerProcess(process);
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null) return;
            lock (termchat._output)
            {
                termchat._output.AppendLine(e.Data);
                foreach (var waiter in termchat._waiters.Where(w => e.Data.Contains(w.Text, StringComparison.Ordinal)))
                {
                    waiter.Seen.TrySetResult();
                }
            }
            var match = PortLine().Match(e.Data);
            if (match.Success) termchat._parsedPort = int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
            // The banner ends with the Ctrl+C hint; by then every address line is out.
            if (e.Data.Contains("Ctrl+C", StringComparison.Ordinal)) termchat._port.TrySetResult(termchat._parsedPort);
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is null) return;
            lock (termchat._errors) termchat._errors.AppendLine(e.Data);
        };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return termchat;
    }

    public async Task<int> WaitForPortAsync()
    {
        var exited = _process.WaitForExitAsync();
        var first = await Task.WhenAny(_port.Task, exited).WaitAsync(Timeout);
        if (first != _port.Task) throw new InvalidOperationException($"termchat exited before listening: {Errors}");
        return await _port.Task;
    }

    /// <summary>Waits for a line of standard output that contains <paramref name="text"/> (one printed already counts).</summary>
    public Task WaitForOutputAsync(string text)
    {
        var seen = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_output)
        {
            if (_output.ToString().Contains(text, StringComparison.Ordinal)) return Task.CompletedTask;
            _waiters.Add((text, seen));
        }
        return seen.Task.WaitAsync(Timeout);
    }

    /// <summary>SIGTERM, as a service manager sends it (Process.Kill would send SIGKILL).</summary>
    public void SendSigterm() => SendSignal("TERM");

    /// <summary>Sends a signal by name (TERM, HUP), as `kill -NAME` does.</summary>
    public void SendSignal(string name)
    {
        using var kill = Process.Start("kill", ["-" + name, _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        kill.WaitForExit();
    }

    public async Task<int> WaitForExitAsync()
    {
        await _process.WaitForExitAsync().WaitAsync(Timeout);
        _process.WaitForExit(); // flushes the redirected output
        return _process.ExitCode;
    }

    /// <summary>SIGKILL, as kill -9: the process gets no chance to write or close anything. Returns once it is gone.</summary>
    public void KillHard()
    {
        _process.Kill();
        _process.WaitForExit();
    }

    public void Dispose()
    {
        if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        _process.Dispose();
    }

    [GeneratedRegex(@"TCP port (\d+)")]
    private static partial Regex PortLine();
}
