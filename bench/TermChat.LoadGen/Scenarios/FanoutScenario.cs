using System.Diagnostics;
using System.Globalization;
using System.Net;
using TermChat.LoadGen.Metrics;
using TermChat.LoadGen.Net;
using TermChat.LoadGen.Reporting;
using TermChat.LoadGen.Scheduling;
using TermChat.LoadGen.Targets;

namespace TermChat.LoadGen.Scenarios;

/// <summary>
/// N subscribers in one room, P publishers sending open loop at a fixed offered rate. Each publisher
/// thread sends, in one write, every message whose scheduled time has come, stamped with that time; so
/// a server that stalls the sender shows up as latency instead of silently lowering the load.
/// </summary>
public sealed class FanoutScenario
{
    private readonly BenchTarget _target;
    private readonly FanoutOptions _options;
    private readonly bool _progress;

    /// <summary>Creates the scenario.</summary>
    public FanoutScenario(BenchTarget target, FanoutOptions options, bool progress)
    {
        _target = target;
        _options = options;
        _progress = progress;
    }

    /// <summary>Connects, runs, drains and disconnects.</summary>
    public async Task<FanoutResult> RunAsync(CancellationToken cancellationToken)
    {
        if (!_target.Relays) throw new InvalidOperationException($"The {_target.Name} target does not relay between clients; use it with pingpong.");
        if (_options.TextBytes < ProbeText.MinBytes) throw new ArgumentException($"Messages need at least {ProbeText.MinBytes} bytes of text.");
        var names = new ClientNames();
        var subscribers = new List<BenchConnection>();
        var publishers = new List<BenchConnection>();
        var receivers = new List<Receiver>();
        var drains = new List<Receiver>();
        // Which node each subscriber's receiver reads, for the per-node latency of a cluster run.
        var nodeOf = new Dictionary<Receiver, EndPoint>();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var poller = new PollingReceiver(_options.PollInterval);
        // Each connection is read as soon as its handshake is done: servers announce every join to the
        // clients already there, and a client that does not read can stall a relay.
        void Receive(BenchConnection connection, List<Receiver> into, bool count, EndPoint node)
        {
            var receiver = new Receiver(long.MaxValue, count);
            lock (into)
            {
                into.Add(receiver);
                nodeOf[receiver] = node;
            }
            poller.Add(connection, _target.CreateScanner(), receiver);
        }
        try
        {
            if (_options.ServerPid is int idlePid)
            {
                await IdleWait.UntilIdleAsync(idlePid, 0.1, TimeSpan.FromSeconds(30), cancellationToken).ConfigureAwait(false);
            }
            await ConnectAllAsync(subscribers, _options.Subscribers, ConnectRole.Subscriber, i => names.For('s', i), (c, node) => Receive(c, receivers, true, node), cancellationToken).ConfigureAwait(false);
            await ConnectAllAsync(publishers, _options.Publishers, ConnectRole.Publisher, i => names.For('p', i), (c, node) => Receive(c, drains, false, node), cancellationToken).ConfigureAwait(false);
            long frequency = Stopwatch.Frequency;

            await SyncAsync(publishers[0], receivers, cancellationToken).ConfigureAwait(false);
            long start = Stopwatch.GetTimestamp() + frequency / 20;
            long measureFrom = start + (long)(_options.Warmup.TotalSeconds * frequency);
            long measureTo = measureFrom + (long)(_options.Duration.TotalSeconds * frequency);
            foreach (var receiver in receivers) receiver.MeasureFromTicks = measureFrom;
            double? cpuBefore = _options.ServerPid is int pid ? ProcessProbe.TryReadCpuSeconds(pid) : null;
            var ownCpuBefore = Environment.CpuUsage.TotalTime;
            long total = OpenLoopSchedule.MessagesFor(_options.Rate, (_options.Warmup + _options.Duration).TotalSeconds);
            var senders = new PublisherThread[publishers.Count];
            for (int p = 0; p < publishers.Count; p++)
            {
                // Publisher p sends messages p, p+P, p+2P… of one global schedule, so the streams interleave.
                long count = total / publishers.Count + (p < total % publishers.Count ? 1 : 0);
                double rate = _options.Rate / publishers.Count;
                long offset = (long)(p * frequency / _options.Rate);
                var schedule = new OpenLoopSchedule(start + offset, rate, frequency, count);
                senders[p] = new PublisherThread(_target, publishers[p], p, schedule, _options.TextBytes, stop.Token);
            }
            long expected = total * subscribers.Count;
            long Delivered() => receivers.Sum(r => r.Delivered);
            long Sent() => senders.Sum(s => s.Sent);

            using (ProgressLine.ForStderr(_progress, () => Status(start, Sent(), total, Delivered(), expected)))
            {
                foreach (var sender in senders) sender.Start();
                // Everything, sending included, must be over MaxDrain after the last scheduled send.
                long deadline = measureTo + (long)(_options.MaxDrain.TotalSeconds * frequency);
                await WaitForSendersAsync(senders, publishers, deadline, cancellationToken).ConfigureAwait(false);
                await DrainAsync(Delivered, expected, receivers, deadline, cancellationToken).ConfigureAwait(false);
            }
            double? cpuAfter = _options.ServerPid is int pid2 ? ProcessProbe.TryReadCpuSeconds(pid2) : null;
            double ownCpu = (Environment.CpuUsage.TotalTime - ownCpuBefore).TotalSeconds;
            stop.Cancel();
            poller.Dispose();

            var histogram = new LatencyHistogram();
            foreach (var receiver in receivers) histogram.Add(receiver.Histogram);
            long delivered = Delivered();
            long measured = receivers.Sum(r => r.Measured);
            long lastDelivery = receivers.Select(r => r.LastDeliveryTicks).DefaultIfEmpty(measureTo).Max();
            double seconds = (Math.Max(lastDelivery, measureTo) - measureFrom) / (double)frequency;
            long sent = Sent();
            string? error = senders.Select(s => s.Failure).FirstOrDefault(f => f is not null)
                ?? receivers.Concat(drains).Select(r => r.Failure).FirstOrDefault(f => f is not null);
            if (sent < total && error is null) error = $"the server accepted only {sent:N0} of {total:N0} messages in time";
            // Open loop: a message the server did not accept in time is as lost as one it dropped.
            return new FanoutResult(
                _target.Name, subscribers.Count, publishers.Count, _options.Rate, sent, expected, delivered,
                seconds > 0 ? measured / seconds : 0,
                Math.Max(0, expected - delivered) * 100.0 / Math.Max(1, expected),
                LatencySummary.FromNanoseconds(histogram),
                cpuBefore is double b && cpuAfter is double a ? a - b : null,
                ownCpu,
                error)
            {
                ByNode = _options.SubscriberEndpoints.Count > 1 ? ByNode(receivers, nodeOf) : null,
            };
        }
        finally
        {
            stop.Cancel();
            poller.Dispose();
            Leave([.. subscribers, .. publishers]);
        }
    }

    // Every client leaves as a user who quits does (_target.Goodbye), all at once, then waits for the server to close.
    private void Leave(IReadOnlyList<BenchConnection> connections)
    {
        var goodbye = _target.Goodbye.Span;
        if (!goodbye.IsEmpty)
        {
            foreach (var connection in connections) connection.SayGoodbye(goodbye);
            long deadline = Stopwatch.GetTimestamp() + 2 * Stopwatch.Frequency;
            foreach (var connection in connections) connection.AwaitClose(deadline);
        }
        foreach (var connection in connections) connection.Dispose();
    }

    private IReadOnlyList<NodeLatency> ByNode(List<Receiver> receivers, Dictionary<Receiver, EndPoint> nodeOf) =>
        [.. _options.SubscriberEndpoints.Select(node =>
        {
            var on = receivers.Where(receiver => nodeOf[receiver].Equals(node)).ToList();
            var histogram = new LatencyHistogram();
            foreach (var receiver in on) histogram.Add(receiver.Histogram);
            return new NodeLatency(node.ToString() ?? "", on.Count, on.Sum(receiver => receiver.Delivered), LatencySummary.FromNanoseconds(histogram));
        })];

    private string Status(long start, long sent, long total, long delivered, long expected)
    {
        double elapsed = Math.Max(0, Stopwatch.GetElapsedTime(start).TotalSeconds);
        double planned = (_options.Warmup + _options.Duration).TotalSeconds;
        return string.Create(CultureInfo.InvariantCulture,
            $"fanout {_target.Name} {_options.Subscribers}x{_options.Rate:0}/s: {Math.Min(elapsed, planned):0.0}/{planned:0.0} s, sent {sent:N0}/{total:N0}, delivered {delivered:N0}/{expected:N0}");
    }

    // A publisher still sending at the deadline, or blocked in send for 30 s, is facing a server that does
    // not read fast enough: abort it; what it could not send counts as lost.
    private static async Task WaitForSendersAsync(PublisherThread[] senders, List<BenchConnection> publishers, long deadline, CancellationToken cancellationToken)
    {
        var all = Task.WhenAll(senders.Select(s => s.Completion));
        long last = -1;
        long stalledSince = Stopwatch.GetTimestamp();
        while (!all.IsCompleted)
        {
            await Task.WhenAny(all, Task.Delay(500, cancellationToken)).ConfigureAwait(false);
            cancellationToken.ThrowIfCancellationRequested();
            long sent = senders.Sum(s => s.Sent);
            if (sent != last)
            {
                last = sent;
                stalledSince = Stopwatch.GetTimestamp();
            }
            if (Stopwatch.GetElapsedTime(stalledSince) > TimeSpan.FromSeconds(30) || Stopwatch.GetTimestamp() > deadline)
            {
                foreach (var sender in senders) sender.GiveUp();
                foreach (var publisher in publishers) publisher.Abort();
            }
        }
    }

    // Repeats the sync message until every subscriber has seen one, so the run starts with every path open.
    private async Task SyncAsync(BenchConnection publisher, IReadOnlyList<Receiver> receivers, CancellationToken cancellationToken)
    {
        var message = new byte[_target.MaxMessageBytes(ProbeText.Sync.Length)];
        int length = _target.WriteMessage(message, ProbeText.Sync);
        var deadline = Stopwatch.GetTimestamp() + 20 * Stopwatch.Frequency;
        while (true)
        {
            publisher.Send(message.AsSpan(0, length));
            await Task.Delay(50, cancellationToken).ConfigureAwait(false);
            int waiting = receivers.Count(r => !r.SyncSeen);
            if (waiting == 0) break;
            if (receivers.Any(r => r.Failure is not null))
            {
                throw new InvalidOperationException($"A subscriber was disconnected before the run: {receivers.First(r => r.Failure is not null).Failure}");
            }
            if (Stopwatch.GetTimestamp() > deadline)
            {
                throw new TimeoutException($"{waiting} of {receivers.Count} subscribers did not receive the sync message within 20 s.");
            }
        }
        // Let the remaining sync copies drain before timing starts.
        await Task.Delay(100, cancellationToken).ConfigureAwait(false);
    }

    // Waits until everything arrived, nothing new arrived for the drain time, every subscriber is gone, or MaxDrain passed.
    private async Task DrainAsync(Func<long> delivered, long expected, IReadOnlyList<Receiver> receivers, long deadline, CancellationToken cancellationToken)
    {
        long last = -1;
        var quietSince = Stopwatch.GetTimestamp();
        while (true)
        {
            long now = delivered();
            if (now >= expected || receivers.All(r => r.Failure is not null)) return;
            // A server far behind could take minutes to catch up; what has not arrived by then counts as lost.
            if (Stopwatch.GetTimestamp() >= deadline) return;
            if (now != last)
            {
                last = now;
                quietSince = Stopwatch.GetTimestamp();
            }
            else if (Stopwatch.GetElapsedTime(quietSince) >= _options.Drain)
            {
                return;
            }
            await Task.Delay(20, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task ConnectAllAsync(List<BenchConnection> into, int count, ConnectRole role, Func<int, string> name, Action<BenchConnection, EndPoint> connected, CancellationToken cancellationToken)
    {
        IReadOnlyList<EndPoint> endpoints = role == ConnectRole.Subscriber && _options.SubscriberEndpoints.Count > 0
            ? _options.SubscriberEndpoints
            : [_options.Endpoint];
        var connections = new BenchConnection?[count];
        try
        {
            await ConnectWorkers.RunAsync(count, _target.MaxConcurrentConnects, i =>
            {
                var node = endpoints[i % endpoints.Count];
                var connection = _target.Connect(node, name(i), role, cancellationToken);
                connections[i] = connection;
                connected(connection, node);
            }).WaitAsync(cancellationToken).ConfigureAwait(false);
            into.AddRange(connections!);
        }
        catch
        {
            foreach (var connection in connections) connection?.Dispose();
            throw;
        }
    }
}
