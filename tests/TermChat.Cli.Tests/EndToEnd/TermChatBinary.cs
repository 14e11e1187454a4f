using System.Diagnostics;
using System.Text.RegularExpressions;

namespace TermChat.Cli.Tests.EndToEnd;

/// <summary>The termchat built next to the tests (the Cli project is referenced), run through the dotnet host.</summary>
internal static partial class TermChatBinary
{
    /// <summary>termchat.dll in the test output folder.</summary>
    public static string Dll => typeof(TermChatCommand).Assembly.Location;

    /// <summary>The dotnet host that runs the tests.</summary>
    public static string DotnetHost => Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";

    /// <summary>A shell command line that runs termchat with <paramref name="arguments"/>.</summary>
    public static string CommandLine(string arguments) => $"'{DotnetHost}' '{Dll}' {arguments}";

    /// <summary>Starts `termchat serve` (on a free port unless the arguments give one) and returns it with the TCP port from its banner.</summary>
    public static async Task<(Process Server, int Port)> StartServerAsync(params string[] extraArguments)
    {
        var info = new ProcessStartInfo(DotnetHost)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        string[] port = extraArguments.Contains("--port") ? [] : ["--port", "0"];
        foreach (string arg in (string[])[Dll, "serve", .. port, "--log-level", "warning", .. extraArguments])
        {
            info.ArgumentList.Add(arg);
        }
        var process = Process.Start(info)!;
        _ = process.StandardError.ReadToEndAsync();
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            while (await process.StandardOutput.ReadLineAsync(timeout.Token) is { } line)
            {
                if (TcpPort().Match(line) is { Success: true } match)
                {
                    // Keep draining stdout so the server never blocks on a full pipe.
                    _ = process.StandardOutput.ReadToEndAsync();
                    return (process, int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture));
                }
            }
            throw new InvalidOperationException($"termchat serve exited ({(process.HasExited ? process.ExitCode : -1)}) without printing its port");
        }
        catch
        {
            Stop(process);
            throw;
        }
    }

    /// <summary>A loopback TCP port nothing listens on: bound, noted and closed again.</summary>
    public static int ClosedLoopbackPort()
    {
        using var probe = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        probe.Start();
        return ((System.Net.IPEndPoint)probe.LocalEndpoint).Port;
    }

    public static void Stop(Process process)
    {
        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                process.WaitForExit(5000);
            }
        }
        catch (InvalidOperationException)
        {
        }
        process.Dispose();
    }

    [GeneratedRegex(@"TCP port (\d+)")]
    private static partial Regex TcpPort();
}
