using System.Globalization;
using System.Text;
using TermChat.LoadGen.Reporting;
using TermChat.LoadGen.Scenarios;

namespace TermChat.BenchTools;

/// <summary>
/// Builds the load-test section of docs/BENCHMARKS.md from repeated, interleaved runs: per scenario a
/// table of each server's median and spread (min–max) over the repetitions, and the ratio of each
/// TermChat mode to each peer computed within each repetition (same run, same conditions), then its
/// median and spread. Only the text between <see cref="BeginMarker"/> and <see cref="EndMarker"/> is
/// replaced, so other sections (the codec micro-benchmarks) stay.
/// </summary>
public static class MarkdownReport
{
    /// <summary>Start of the generated section.</summary>
    public const string BeginMarker = "<!-- bench:begin -->";

    /// <summary>End of the generated section.</summary>
    public const string EndMarker = "<!-- bench:end -->";

    private sealed record Metric(string Name, Func<BenchDocument, double?> Value, bool HigherIsBetter, Func<double, string> Show);

    /// <summary>Replaces (or appends) the generated section in <paramref name="document"/>.</summary>
    public static string ReplaceSection(string document, string section)
    {
        string block = BeginMarker + "\n" + section.TrimEnd('\n') + "\n" + EndMarker;
        int begin = document.IndexOf(BeginMarker, StringComparison.Ordinal);
        int end = document.IndexOf(EndMarker, StringComparison.Ordinal);
        if (begin >= 0 && end > begin)
        {
            return document[..begin] + block + document[(end + EndMarker.Length)..];
        }
        return document.TrimEnd('\n') + "\n\n" + block + "\n";
    }

    /// <summary>The section for these runs; <paramref name="machine"/> is inserted verbatim after the tables' introduction.</summary>
    public static string Build(IReadOnlyList<BenchDocument> documents, string machine)
    {
        var text = new StringBuilder();
        if (machine.Length > 0) text.Append(machine.TrimEnd('\n')).Append("\n\n");
        Targets(text, documents);

        foreach (var group in documents.Where(d => d.Scenario == "fanout" && d.Sweep != true).GroupBy(d => (d.Fanout![0].Subscribers, d.Fanout[0].Publishers, d.Fanout[0].OfferedRate)))
        {
            var (subs, pubs, rate) = group.Key;
            text.Append(CultureInfo.InvariantCulture, $"### Fan-out: {subs} subscribers, {pubs} publisher{(pubs == 1 ? "" : "s")}, {rate:N0} msg/s offered ({rate * subs:N0} deliveries/s)\n\n");
            Section(text, group.ToList(),
            [
                new("deliveries/s", d => d.Fanout![0].DeliveriesPerSecond, true, Format.Count),
                new("loss %", d => d.Fanout![0].LossPercent, false, Format.Loss),
                new("p50 ms", d => d.Fanout![0].Latency.P50Us, false, Format.Ms),
                new("p99 ms", d => d.Fanout![0].Latency.P99Us, false, Format.Ms),
                new("p99.9 ms", d => d.Fanout![0].Latency.P999Us, false, Format.Ms),
                new("server CPU s", d => d.Fanout![0].ServerCpuSeconds, false, v => Format.Fixed(v, 2)),
                new("generator CPU s", d => d.Fanout![0].GeneratorCpuSeconds, false, v => Format.Fixed(v, 2)),
            ], ratioMetrics: ["p99 ms", "server CPU s"], Errors(group.Select(d => (d.Label, d.Fanout![0].Error))));
        }

        foreach (var group in documents.Where(d => d.Scenario == "fanout" && d.Sweep == true).GroupBy(d => (d.Fanout![0].Subscribers, d.Fanout[0].Publishers)))
        {
            var (subs, pubs) = group.Key;
            text.Append(CultureInfo.InvariantCulture, $"### Fan-out sweep: {subs} subscribers, {pubs} publisher{(pubs == 1 ? "" : "s")}, highest rate with p99 ≤ 10 ms and no loss\n\n");
            Section(text, group.ToList(),
            [
                new("best deliveries/s", d => d.Best?.DeliveriesPerSecond ?? 0, true, Format.Count),
                new("offered msg/s", d => d.Best?.OfferedRate ?? 0, true, Format.Count),
                new("p99 ms at best", d => d.Best?.Latency.P99Us, false, Format.Ms),
                new("trials", d => d.Fanout!.Count, true, Format.Count),
            ], ratioMetrics: ["best deliveries/s"], []);
        }

        var pingpong = documents.Where(d => d.Scenario == "pingpong").ToList();
        if (pingpong.Count > 0)
        {
            text.Append("### Ping-pong: one message outstanding, round trip\n\n");
            Section(text, pingpong,
            [
                new("p50 µs", d => d.PingPong!.Latency.P50Us, false, Format.Us),
                new("p99 µs", d => d.PingPong!.Latency.P99Us, false, Format.Us),
                new("p99.9 µs", d => d.PingPong!.Latency.P999Us, false, Format.Us),
                new("round trips/s", d => d.PingPong!.RoundTripsPerSecond, true, Format.Count),
            ], ratioMetrics: ["p50 µs", "p99 µs"], Errors(pingpong.Select(d => (d.Label, d.PingPong!.Error))));
        }

        var connections = documents.Where(d => d.Scenario == "connections").ToList();
        if (connections.Count > 0)
        {
            text.Append("### Idle connections: server RSS per connection\n\n");
            text.Append("Only the first ramp of each server measures new memory; later ramps reuse what the first left behind and read near zero, so the first column is the figure to read.\n\n");
            var firstRamp = connections.GroupBy(d => d.Label).ToDictionary(g => g.Key, g => g.First());
            Section(text, connections,
            [
                new("RSS/conn KiB, first ramp", d => firstRamp[d.Label].Connections!.RssPerConnectionBytes / 1024, false, v => Format.Fixed(v, 2)),
                new("RSS/conn KiB", d => d.Connections!.RssPerConnectionBytes / 1024, false, v => Format.Fixed(v, 2)),
                new("connections", d => d.Connections!.Requested, true, Format.Count),
                new("alive", d => d.Connections!.Alive, true, Format.Count),
                new("ramp s", d => d.Connections!.RampSeconds, false, v => Format.Fixed(v, 1)),
            ], ratioMetrics: ["RSS/conn KiB, first ramp"], Errors(connections.Select(d => (d.Label, d.Connections!.Error))));
        }

        var udp = documents.Where(d => d.Scenario == "udp").ToList();
        if (udp.Count > 0)
        {
            text.Append("### Reliable UDP\n\n");
            Section(text, udp,
            [
                new("msg/s", d => d.Udp!.MessagesPerSecond, true, Format.Count),
                new("loss %", d => d.Udp!.LossPercent, false, Format.Loss),
                new("p50 ms", d => d.Udp!.Latency.P50Us, false, Format.Ms),
                new("p99 ms", d => d.Udp!.Latency.P99Us, false, Format.Ms),
            ], ratioMetrics: [], Errors(udp.Select(d => (d.Label, d.Udp!.Error))));
        }
        return text.ToString();
    }

    // The issue's targets, judged from this run's medians only; "missed" says by how much.
    private static void Targets(StringBuilder text, IReadOnlyList<BenchDocument> documents)
    {
        var rows = new List<(string Target, string Measured, bool? Met)>();
        List<FanoutResult> Runs(string label, int subs, double rate) => documents
            .Where(d => d.Scenario == "fanout" && d.Sweep != true && d.Label == label && d.Fanout![0].Subscribers == subs && d.Fanout[0].OfferedRate == rate)
            .Select(d => d.Fanout![0]).ToList();
        double Med(IEnumerable<double> values) => values.ToList() is { Count: > 0 } list ? Median(list) : double.NaN;

        var async100 = Runs("termchat-async", 100, 20_000);
        if (async100.Count > 0)
        {
            double rate = Med(async100.Select(r => r.DeliveriesPerSecond));
            double p99 = Med(async100.Select(r => r.Latency.P99Us));
            double loss = async100.Max(r => r.LossPercent);
            bool met = rate >= 1_990_000 && p99 <= 10_000 && loss == 0;
            rows.Add(("async fan-out, 100 subscribers, 1 publisher: ≥ 2,000,000 deliveries/s with p99 ≤ 10 ms and no loss",
                string.Create(CultureInfo.InvariantCulture, $"{rate:N0}/s, p99 {p99 / 1000:0.###} ms, worst loss {Format.Loss(loss)} %") +
                (met ? "" : string.Create(CultureInfo.InvariantCulture, $" — missed: p99 {(p99 / 10_000):0.#}× the bound{(loss > 0 ? ", with loss" : "")}")), met));
            foreach (var peer in new[] { "nats", "ngircd", "ircd-hybrid" })
            {
                var theirs = Runs(peer, 100, 20_000);
                if (theirs.Count == 0) continue;
                double theirP99 = Med(theirs.Select(r => r.Latency.P99Us));
                double theirRate = Med(theirs.Select(r => r.DeliveriesPerSecond));
                bool ahead = p99 < theirP99 && rate >= theirRate * 0.99 && loss <= theirs.Max(r => r.LossPercent);
                rows.Add(($"async ahead of {peer} at the same offered load (2,000,000 deliveries/s)",
                    string.Create(CultureInfo.InvariantCulture, $"p99 {p99 / 1000:0.###} vs {theirP99 / 1000:0.###} ms, {rate:N0} vs {theirRate:N0} deliveries/s"), ahead));
            }
        }
        foreach (var mode in new[] { "termchat-select", "termchat-threads" })
        {
            foreach (var peer in new[] { "ngircd", "ircd-hybrid" })
            {
                foreach (var (subs, rate) in new[] { (100, 2_000.0), (100, 20_000.0) })
                {
                    var ours = Runs(mode, subs, rate);
                    var theirs = Runs(peer, subs, rate);
                    if (ours.Count == 0 || theirs.Count == 0) continue;
                    double p99 = Med(ours.Select(r => r.Latency.P99Us)), theirP99 = Med(theirs.Select(r => r.Latency.P99Us));
                    double got = Med(ours.Select(r => r.DeliveriesPerSecond)), theirGot = Med(theirs.Select(r => r.DeliveriesPerSecond));
                    bool ahead = p99 < theirP99 && got >= theirGot * 0.99;
                    rows.Add((string.Create(CultureInfo.InvariantCulture, $"{mode["termchat-".Length..]} ahead of {peer}, {subs} subscribers at {rate * subs:N0} deliveries/s offered"),
                        string.Create(CultureInfo.InvariantCulture, $"p99 {p99 / 1000:0.###} vs {theirP99 / 1000:0.###} ms, {got:N0} vs {theirGot:N0} deliveries/s"), ahead));
                }
            }
        }
        var pingpong = documents.Where(d => d.Scenario == "pingpong").ToList();
        var echo = pingpong.Where(d => d.Label == "echo").ToList();
        var asyncPing = pingpong.Where(d => d.Label == "termchat-async").ToList();
        if (echo.Count > 0 && asyncPing.Count > 0)
        {
            var ratios = Enumerable.Range(0, Math.Min(echo.Count, asyncPing.Count))
                .Select(i => asyncPing[i].PingPong!.Latency.P99Us / Math.Max(0.001, echo[i].PingPong!.Latency.P99Us)).ToList();
            double ratio = Median(ratios);
            rows.Add(("ping-pong p99 ≤ 2× a trivial echo (async mode)",
                string.Create(CultureInfo.InvariantCulture, $"{ratio:0.00}× (echo p99 {Med(echo.Select(d => d.PingPong!.Latency.P99Us)):0.0} µs, TermChat {Med(asyncPing.Select(d => d.PingPong!.Latency.P99Us)):0.0} µs)") +
                (ratio <= 2 ? "" : string.Create(CultureInfo.InvariantCulture, $" — missed by {(ratio / 2 - 1) * 100:0} %")), ratio <= 2));
        }
        // Only a server's first ramp measures new memory: later ramps reuse what the first one left
        // (heap, pools, freed pages kept by the allocator), so they read near zero. The first is judged.
        var idle = documents.Where(d => d.Scenario == "connections" && d.Label == "termchat-async").Select(d => d.Connections!).ToList();
        if (idle.Count > 0)
        {
            var first = idle[0];
            bool met = first.RssPerConnectionBytes <= 4096 && first.Alive >= 10_000;
            rows.Add(("10,000 idle connections in async mode at ≤ 4 KiB server RSS each (first ramp of the run)",
                string.Create(CultureInfo.InvariantCulture, $"{first.RssPerConnectionBytes / 1024:0.00} KiB each over the RSS the server already had, {first.Alive:N0} alive") +
                (met ? "" : first.RssPerConnectionBytes > 4096 ? string.Create(CultureInfo.InvariantCulture, $" — missed by {(first.RssPerConnectionBytes / 4096 - 1) * 100:0} %") : " — fewer than 10,000 connections"), met));
        }
        var udp = documents.Where(d => d.Scenario == "udp").Select(d => d.Udp!).ToList();
        if (udp.Count > 0)
        {
            double rate = Med(udp.Select(u => u.MessagesPerSecond));
            bool met = rate >= 100_000 && udp.All(u => u.LossPercent == 0 && u.Error is null);
            rows.Add(("reliable UDP on loopback ≥ 100,000 messages/s",
                string.Create(CultureInfo.InvariantCulture, $"{rate:N0} messages/s, worst loss {Format.Loss(udp.Max(u => u.LossPercent))} %") +
                (met ? "" : string.Create(CultureInfo.InvariantCulture, $" — missed{(rate < 100_000 ? $" by {(1 - rate / 100_000) * 100:0} %" : " (loss or errors)")}")), met));
        }
        if (rows.Count == 0) return;
        text.Append("### Targets (judged from this run's medians)\n\n| target | measured | met |\n|---|---|:-:|\n");
        foreach (var (target, measured, met) in rows)
        {
            text.Append("| ").Append(target).Append(" | ").Append(measured).Append(" | ").Append(met switch { true => "yes", false => "**no**", null => "-" }).Append(" |\n");
        }
        text.Append('\n');
    }

    private static IEnumerable<string> Errors(IEnumerable<(string Label, string? Error)> errors) =>
        errors.Where(e => e.Error is not null).GroupBy(e => (e.Label, e.Error)).Select(g => $"{g.Key.Label}: {g.Key.Error} ({g.Count()}×)");

    private static void Section(StringBuilder text, List<BenchDocument> runs, Metric[] metrics, string[] ratioMetrics, IEnumerable<string> errors)
    {
        var labels = runs.Select(d => d.Label).Distinct().ToList();
        var byLabel = labels.ToDictionary(l => l, l => runs.Where(d => d.Label == l).ToList());
        int repetitions = byLabel.Values.Min(v => v.Count);

        text.Append("| server | runs | ").Append(string.Join(" | ", metrics.Select(m => m.Name + " (median, min–max)"))).Append(" |\n");
        text.Append("|---|---:|").Append(string.Concat(metrics.Select(_ => "---:|"))).Append('\n');
        foreach (var label in labels)
        {
            var list = byLabel[label];
            text.Append("| ").Append(label).Append(" | ").Append(list.Count.ToString(CultureInfo.InvariantCulture));
            foreach (var metric in metrics)
            {
                var values = list.Select(metric.Value).Where(v => v is not null).Select(v => v!.Value).ToList();
                text.Append(" | ").Append(values.Count == 0 ? "-" : $"**{metric.Show(Median(values))}** ({metric.Show(values.Min())}–{metric.Show(values.Max())})");
            }
            text.Append(" |\n");
        }
        text.Append('\n');

        var ours = labels.Where(l => l.StartsWith("termchat", StringComparison.Ordinal)).ToList();
        var peers = labels.Where(l => !l.StartsWith("termchat", StringComparison.Ordinal)).ToList();
        foreach (string metricName in ratioMetrics)
        {
            var metric = metrics.First(m => m.Name == metricName);
            if (ours.Count == 0 || peers.Count == 0) break;
            text.Append(CultureInfo.InvariantCulture, $"Ratio TermChat / peer, {metric.Name} ({(metric.HigherIsBetter ? "above 1" : "below 1")} = TermChat better), per repetition then median (min–max):\n\n");
            text.Append("| TermChat | ").Append(string.Join(" | ", peers)).Append(" |\n");
            text.Append("|---|").Append(string.Concat(peers.Select(_ => "---:|"))).Append('\n');
            foreach (var mine in ours)
            {
                text.Append("| ").Append(mine);
                foreach (var peer in peers)
                {
                    var ratios = new List<double>();
                    for (int i = 0; i < repetitions; i++)
                    {
                        double? a = metric.Value(byLabel[mine][i]);
                        double? b = metric.Value(byLabel[peer][i]);
                        if (a is double x && b is double y && y > 0) ratios.Add(x / y);
                    }
                    text.Append(" | ").Append(ratios.Count == 0 ? "-" : $"**{Ratio(Median(ratios))}** ({Ratio(ratios.Min())}–{Ratio(ratios.Max())})");
                }
                text.Append(" |\n");
            }
            text.Append('\n');
        }
        var problems = errors.ToList();
        if (problems.Count > 0)
        {
            text.Append("Runs that reported a problem:\n\n");
            foreach (var problem in problems) text.Append("* ").Append(problem).Append('\n');
            text.Append('\n');
        }
    }

    private static string Ratio(double value) => value.ToString(value >= 100 ? "0" : value >= 10 ? "0.0" : "0.00", CultureInfo.InvariantCulture) + "×";

    /// <summary>The median (mean of the middle two for an even count).</summary>
    public static double Median(IReadOnlyList<double> values)
    {
        if (values.Count == 0) throw new ArgumentException("No values.", nameof(values));
        var sorted = values.Order().ToArray();
        int mid = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }
}
