using TermChat.LoadGen.Scenarios;

namespace TermChat.LoadGen.Reporting;

/// <summary>The readable tables <c>termchat bench</c> prints for each scenario.</summary>
public static class ResultTables
{
    /// <summary>Fan-out runs (a sweep's trials, or one run), one row each.</summary>
    public static string Fanout(IEnumerable<FanoutResult> results, string label)
    {
        var table = new TextTable("target", "subs", "pubs", "offered msg/s", "deliveries/s", "loss %", "p50 ms", "p99 ms", "p99.9 ms", "max ms", "server cpu s", "gen cpu s", "note");
        foreach (var r in results)
        {
            table.Add(label, r.Subscribers.ToString(System.Globalization.CultureInfo.InvariantCulture), r.Publishers.ToString(System.Globalization.CultureInfo.InvariantCulture),
                Format.Count(r.OfferedRate), Format.Count(r.DeliveriesPerSecond), Format.Loss(r.LossPercent),
                Format.Ms(r.Latency.P50Us), Format.Ms(r.Latency.P99Us), Format.Ms(r.Latency.P999Us), Format.Ms(r.Latency.MaxUs),
                r.ServerCpuSeconds is double cpu ? Format.Fixed(cpu, 2) : "-", Format.Fixed(r.GeneratorCpuSeconds, 2), r.Error ?? "");
        }
        return table.ToString();
    }

    /// <summary>Ping-pong runs.</summary>
    public static string PingPong(IEnumerable<PingPongResult> results, string label)
    {
        var table = new TextTable("target", "round trips", "per second", "p50 µs", "p99 µs", "p99.9 µs", "max µs", "note");
        foreach (var r in results)
        {
            table.Add(label, Format.Count(r.RoundTrips), Format.Count(r.RoundTripsPerSecond), Format.Us(r.Latency.P50Us), Format.Us(r.Latency.P99Us),
                Format.Us(r.Latency.P999Us), Format.Us(r.Latency.MaxUs), r.Error ?? "");
        }
        return table.ToString();
    }

    /// <summary>Connections runs.</summary>
    public static string Connections(IEnumerable<ConnectionsResult> results, string label)
    {
        var table = new TextTable("target", "requested", "established", "alive", "ramp s", "us/conn", "rss before MiB", "rss after MiB", "rss/conn KiB",
            "server cpu s", "note");
        foreach (var r in results)
        {
            table.Add(label, Format.Count(r.Requested), Format.Count(r.Established), Format.Count(r.Alive), Format.Fixed(r.RampSeconds, 1),
                r.Established > 0 ? Format.Count(r.RampSeconds * 1e6 / r.Established) : "-",
                Format.MiB(r.RssBeforeBytes), Format.MiB(r.RssAfterBytes), Format.KiB(r.RssPerConnectionBytes),
                r.ServerCpuSeconds is double cpu ? Format.Fixed(cpu, 2) : "-", r.Error ?? "");
        }
        return table.ToString();
    }

    /// <summary>Reliable-UDP runs.</summary>
    public static string Udp(IEnumerable<UdpResult> results, string label)
    {
        var table = new TextTable("target", "offered msg/s", "sent", "delivered", "msg/s", "loss %", "p50 ms", "p99 ms", "p99.9 ms", "retransmits", "server cpu s", "note");
        foreach (var r in results)
        {
            table.Add(label, Format.Count(r.OfferedRate), Format.Count(r.Sent), Format.Count(r.Delivered), Format.Count(r.MessagesPerSecond), Format.Loss(r.LossPercent),
                Format.Ms(r.Latency.P50Us), Format.Ms(r.Latency.P99Us), Format.Ms(r.Latency.P999Us), r.Retransmissions is long n ? Format.Count(n) : "-",
                r.ServerCpuSeconds is double cpu ? Format.Fixed(cpu, 2) : "-", r.Error ?? "");
        }
        return table.ToString();
    }
}
