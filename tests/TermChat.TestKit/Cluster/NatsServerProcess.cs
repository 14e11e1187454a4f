using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace TermChat.TestKit.Cluster;

/// <summary>
/// A real <c>nats-server</c> with JetStream, on a free loopback port, storing its streams in a directory of its
/// own: the engine the cluster tests run against (never a mock). <see cref="Stop"/> and <see cref="Start"/> take it
/// down and bring it back on the same port with the same data, as an outage of the engine does.
/// </summary>
public sealed partial class NatsServerProcess : IDisposable
{
    /// <summary>Where Debian's package installs the server.</summary>
    public const string DefaultPath = "/usr/sbin/nats-server";

    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(20);
    private readonly string _storeDir;
    private Process? _process;

    private NatsServerProcess(string storeDir)
    {
        _storeDir = storeDir;
    }

    /// <summary>The server's binary, or null when it is not installed (<c>apt-get install nats-server</c>).</summary>
    public static string? ExecutablePath { get; } = File.Exists(DefaultPath) ? DefaultPath : FindOnPath("nats-server");

    /// <summary>The client port; stays the same across <see cref="Stop"/> and <see cref="Start"/>.</summary>
    public int Port { get; private set; }

    /// <summary>The URL nodes connect to.</summary>
    public string Url => $"nats://127.0.0.1:{Port.ToString(CultureInfo.InvariantCulture)}";

    /// <summary>Whether the server process is running.</summary>
    public bool IsRunning => _process is { HasExited: false };

    /// <summary>Starts a server on a free port, with JetStream storing in a new temporary directory.</summary>
    /// <exception cref="InvalidOperationException">nats-server is not installed, or did not start.</exception>
    public static NatsServerProcess StartNew()
    {
        var server = new NatsServerProcess(Directory.CreateTempSubdirectory("termchat-nats-").FullName);
        try
        {
            server.Start();
        }
        catch
        {
            server.Dispose();
            throw;
        }
        return server;
    }

    /// <summary>Starts the server (again), on the port it had if it ran before, and waits until it serves clients.</summary>
    public void Start()
    {
        if (IsRunning) return;
        string path = ExecutablePath ?? throw new InvalidOperationException("nats-server is not installed (apt-get install nats-server; .ci/run installs it).");
        var start = new ProcessStartInfo(path)
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        // -p -1 picks a free port; the port it printed is reused on a restart, so nodes reconnect to the same URL.
        foreach (string arg in new[] { "-a", "127.0.0.1", "-p", Port == 0 ? "-1" : Port.ToString(CultureInfo.InvariantCulture), "-js", "-sd", _storeDir })
        {
            start.ArgumentList.Add(arg);
        }
        var listening = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        var log = new System.Collections.Concurrent.ConcurrentQueue<string>();
        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        process.ErrorDataReceived += (_, line) =>
        {
            if (line.Data is null)
            {
                listening.TrySetException(new InvalidOperationException("nats-server exited while starting:\n" + string.Join('\n', log)));
                return;
            }
            log.Enqueue(line.Data);
            if (ListeningLine().Match(line.Data) is { Success: true } match) listening.TrySetResult(int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture));
        };
        process.OutputDataReceived += (_, _) => { };
        process.Start();
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();
        _process = process;
        try
        {
            Port = listening.Task.WaitAsync(StartTimeout).GetAwaiter().GetResult();
        }
        catch (TimeoutException)
        {
            throw new InvalidOperationException($"nats-server did not listen within {StartTimeout.TotalSeconds:0} s:\n" + string.Join('\n', log));
        }
    }

    /// <summary>Stops the server (SIGKILL: an engine that vanishes, not one that says goodbye) and waits until it is gone.</summary>
    public void Stop()
    {
        if (_process is not { } process) return;
        if (!process.HasExited) process.Kill();
        process.WaitForExit();
        process.Dispose();
        _process = null;
    }

    public void Dispose()
    {
        Stop();
        try
        {
            Directory.Delete(_storeDir, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temporary directory is not worth failing a test for.
        }
    }

    private static string? FindOnPath(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, name))
            .FirstOrDefault(File.Exists);

    [GeneratedRegex(@"Listening for client connections on [^\s]+:(\d+)$")]
    private static partial Regex ListeningLine();
}
