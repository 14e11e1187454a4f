using System.Diagnostics;
using System.Net;
using TermChat.LoadGen.Metrics;
using TermChat.LoadGen.Reporting;
using TermChat.LoadGen.Scenarios;
using TermChat.LoadGen.Scheduling;

namespace TermChat.LoadGen.Udp;

/// <summary>
/// Reliable UDP end to end: one publisher and N subscribers, all over the datagram layer, open loop at a
/// fixed offered rate through a TermChat server's UDP port; rate, loss and latency from scheduled send time.
/// </summary>
public sealed class UdpScenario
{
    private readonly EndPoint _endpoint;
    private readonly int _subscribers;
    private readonly double _rate;
    private readonly TimeSpan _duration;
    private readonly TimeSpan _warmup;
    private readonly int _textBytes;
    private readonly int? _serverPid;
    private readonly bool _progress;
    private readonly bool _dtls;

    /// <summary>Creates the scenario; with <paramref name="dtls"/> every client speaks DTLS.</summary>
    public UdpScenario(EndPoint endpoint, int subscribers, double rate, TimeSpan duration, TimeSpan warmup, int textBytes, int? serverPid, bool progress, bool dtls = false)
    {
        _dtls = dtls;
        _endpoint = endpoint;
        _subscribers = subscribers;
        _rate = rate;
        _duration = duration;
        _warmup = warmup;
        _textBytes = textBytes;
        _serverPid = serverPid;
        _progress = progress;
    }

    /// <summary>Connects, runs, drains and disconnects.</summary>
    public async Task<UdpResult> RunAsync(CancellationToken cancellationToken)
    {
        var names = new ClientNames();
        var subscribers = Enumerable.Range(0, _subscribers).Select(i => new UdpBenchClient(_endpoint, names.For('u', i), new Receiver(long.MaxValue), _dtls)).ToList();
        var publisher = new UdpBenchClient(_endpoint, names.For('q', 0), new Receiver(long.MaxValue, count: false), _dtls) { TextBytes = _textBytes };
        var all = subscribers.Append(publisher).ToList();
        try
        {
            foreach (var client in all) client.Start();
            await WaitAsync(() => all.All(c => c.Joined), () => all.FirstOrDefault(c => c.Failure is not null)?.Failure, "join the room", cancellationToken).ConfigureAwait(false);
            await WaitAsync(() =>
            {
                publisher.SendSync = true;
                return subscribers.All(s => s.Receiver.SyncSeen);
            }, () => all.FirstOrDefault(c => c.Failure is not null)?.Failure, "receive the sync message", cancellationToken).ConfigureAwait(false);

            long frequency = Stopwatch.Frequency;
            long start = Stopwatch.GetTimestamp() + frequency / 20;
            long measureFrom = start + (long)(_warmup.TotalSeconds * frequency);
            long measureTo = measureFrom + (long)(_duration.TotalSeconds * frequency);
            foreach (var s in subscribers) s.Receiver.MeasureFromTicks = measureFrom;
            long total = OpenLoopSchedule.MessagesFor(_rate, (_warmup + _duration).TotalSeconds);
            double? cpuBefore = _serverPid is int pid ? ProcessProbe.TryReadCpuSeconds(pid) : null;
            long expected = total * subscribers.Count;
            long Delivered() => subscribers.Sum(s => s.Receiver.Delivered);
            using (ProgressLine.ForStderr(_progress, () => $"udp: sent {publisher.Sent:N0}/{total:N0}, delivered {Delivered():N0}/{expected:N0}"))
            {
                publisher.Schedule = new OpenLoopSchedule(start, _rate, frequency, total);
                // Wait for the run, then up to three quiet seconds for the last messages.
                long last = -1;
                var quiet = Stopwatch.GetTimestamp();
                while (Delivered() < expected && all.All(c => c.Failure is null))
                {
                    await Task.Delay(20, cancellationToken).ConfigureAwait(false);
                    long now = Delivered();
                    if (now != last || Stopwatch.GetTimestamp() < measureTo)
                    {
                        last = now;
                        quiet = Stopwatch.GetTimestamp();
                    }
                    else if (Stopwatch.GetElapsedTime(quiet) > TimeSpan.FromSeconds(3))
                    {
                        break;
                    }
                }
            }
            double? cpuAfter = _serverPid is int pid2 ? ProcessProbe.TryReadCpuSeconds(pid2) : null;
            var histogram = new LatencyHistogram();
            foreach (var s in subscribers) histogram.Add(s.Receiver.Histogram);
            long delivered = Delivered();
            long measured = subscribers.Sum(s => s.Receiver.Measured);
            long lastDelivery = subscribers.Select(s => s.Receiver.LastDeliveryTicks).DefaultIfEmpty(measureTo).Max();
            double seconds = (Math.Max(lastDelivery, measureTo) - measureFrom) / (double)frequency;
            long sent = publisher.Sent;
            string? error = all.Select(c => c.Failure).FirstOrDefault(f => f is not null);
            return new UdpResult(_dtls ? "termchat-udp-dtls" : "termchat-udp", _rate, sent, delivered, seconds > 0 ? measured / seconds : 0,
                sent == 0 ? 0 : Math.Max(0, sent * subscribers.Count - delivered) * 100.0 / (sent * subscribers.Count),
                LatencySummary.FromNanoseconds(histogram), all.Sum(c => c.Retransmits),
                cpuBefore is double b && cpuAfter is double a ? a - b : null, error);
        }
        finally
        {
            foreach (var client in all) client.Dispose();
        }
    }

    private static async Task WaitAsync(Func<bool> done, Func<string?> failure, string what, CancellationToken cancellationToken)
    {
        var deadline = Stopwatch.GetTimestamp() + 20 * Stopwatch.Frequency;
        while (!done())
        {
            if (failure() is { } problem) throw new InvalidOperationException($"A UDP client failed to {what}: {problem}");
            if (Stopwatch.GetTimestamp() > deadline) throw new TimeoutException($"The UDP clients did not {what} within 20 s (is the server serving UDP on this port?).");
            await Task.Delay(50, cancellationToken).ConfigureAwait(false);
        }
    }
}
