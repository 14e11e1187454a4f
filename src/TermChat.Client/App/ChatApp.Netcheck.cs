using TermChat.Client.Diagnostics;
using TermChat.Client.Transports;

namespace TermChat.Client.App;

// /netcheck: the network check of `termchat netcheck`, run from inside the client.
public sealed partial class ChatApp
{
    private string? _pendingNetcheck;
    private int _netcheckRunning;

    /// <summary>The report of the last /netcheck that finished, for a view to show whole; null before one.</summary>
    public NetworkCheckReport? LatestNetcheck { get; private set; }

    // Remembers a /netcheck for SubmitAsync to run once the command lock is released.
    private void QueueNetcheck(string argument) => _pendingNetcheck = argument.Trim().Length > 0 ? argument.Trim() : _session.Server;

    /// <summary>
    /// Runs a queued /netcheck: a line as each step starts (shown live through <see cref="Changed"/>), then the
    /// report and its verdict. It takes a few seconds; chat keeps flowing meanwhile.
    /// </summary>
    private async Task RunPendingNetcheckAsync(List<ChatEntry> output, CancellationToken cancellationToken)
    {
        string? target;
        lock (_gate)
        {
            target = _pendingNetcheck;
            _pendingNetcheck = null;
        }
        if (target is null)
        {
            return;
        }
        if (!ChatEndpoint.TryParse(target, out var endpoint, out string? error))
        {
            Info(EntryKind.Error, $"usage: /netcheck [HOST[:PORT]] — {error}", output);
            return;
        }
        if (Interlocked.Exchange(ref _netcheckRunning, 1) != 0)
        {
            Info(EntryKind.Error, "a netcheck is already running", output);
            return;
        }
        try
        {
            Info(EntryKind.Info, $"netcheck {endpoint}: measuring TCP, UDP and discovery (a few seconds)...", output);
            string? step = null;
            var report = await new NetworkCheck(new NetworkCheckOptions { Host = endpoint.Host, Port = endpoint.Port })
                .RunAsync(line =>
                {
                    // One line per step, not per sample: the scrollback is for people.
                    int colon = line.IndexOf(':', StringComparison.Ordinal);
                    string current = colon > 0 ? line[..colon] : line;
                    if (current != step)
                    {
                        step = current;
                        Info(EntryKind.Info, "netcheck: " + line, output);
                    }
                }, cancellationToken).ConfigureAwait(false);
            LatestNetcheck = report;
            foreach (string line in report.ToLines())
            {
                Info(EntryKind.Info, line, output);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            Info(EntryKind.Info, "netcheck cancelled", output);
        }
        finally
        {
            Volatile.Write(ref _netcheckRunning, 0);
        }
    }

    private void Info(EntryKind kind, string text, List<ChatEntry> output)
    {
        lock (_gate)
        {
            Local(kind, text, output);
        }
        Changed?.Invoke();
    }
}
