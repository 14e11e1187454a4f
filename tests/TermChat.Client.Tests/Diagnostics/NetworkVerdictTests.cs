using System.Net;
using TermChat.Client.Diagnostics;

namespace TermChat.Client.Tests.Diagnostics;

public sealed class NetworkVerdictTests
{
    private static readonly NetworkCheckReport Healthy = new(
        "lab", 7777, 7778, IPAddress.Parse("10.99.0.1"), null, 0.5,
        new LatencyStats(20, 20, 0.2, 0.4, 0.9, 0.1), "before-handshake", null,
        new LatencyStats(20, 20, 0.2, 0.3, 0.8, 0.1), null, null, 1472, 8972, true, true, true, "lab", "");

    [Fact]
    public void Latency_stats_summarize_samples_and_count_losses()
    {
        Assert.Equal(new LatencyStats(5, 3, 1, 2, 3, 1.5), LatencyStats.From([1.0, null, 3.0, null, 2.0]));
        Assert.Equal(40, LatencyStats.From([1.0, null, 3.0, null, 2.0]).LossPercent);
        Assert.Equal(new LatencyStats(2, 0, 0, 0, 0, 0), LatencyStats.From([null, null]));
    }

    [Fact]
    public void A_healthy_link_is_called_good_with_its_numbers()
    {
        Assert.Equal(
            "Good: the link to lab is fine for chat (TCP round trip 0.4 ms, UDP 0.3 ms, UDP datagrams up to 1472 bytes).",
            NetworkVerdict.For(Healthy));
    }

    [Fact]
    public void An_unresolved_name_is_said_plainly()
    {
        Assert.Equal("Cannot check nowhere: the name 'nowhere' does not resolve (HostNotFound).",
            NetworkVerdict.For(Healthy with { Host = "nowhere", Address = null, ResolveError = "the name 'nowhere' does not resolve (HostNotFound)" }));
    }

    [Fact]
    public void Loss_slowness_and_jitter_are_each_named()
    {
        var poor = Healthy with { Tcp = new LatencyStats(20, 18, 100, 200, 400, 50) };
        Assert.Equal(
            "Usable, but 10% of TCP round trips were lost; TCP round trips are slow (200 ms); TCP delay varies a lot (jitter 50 ms).",
            NetworkVerdict.For(poor));
    }

    [Fact]
    public void Discovery_that_only_works_unicast_explains_why_discover_will_not_list_the_host()
    {
        Assert.Contains("broadcast and multicast do not reach the host", NetworkVerdict.For(Healthy with { DiscoveryBroadcast = false }));
    }

    [Fact]
    public void Fragmented_datagrams_that_do_not_arrive_give_a_size_to_stay_under()
    {
        Assert.Contains("keep datagrams under 1472 bytes", NetworkVerdict.For(Healthy with { FragmentedArrives = false }));
    }

    [Fact]
    public void No_tcp_server_is_the_headline()
    {
        Assert.StartsWith("No TermChat server answers on TCP 10.99.0.1:7777: connection refused (is the server running?).",
            NetworkVerdict.For(Healthy with { Tcp = null, TcpError = "connection refused (is the server running?)" }));
    }
}
