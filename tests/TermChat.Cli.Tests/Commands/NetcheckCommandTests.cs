using System.Net;
using TermChat.Cli.Commands;
using TermChat.Client.Diagnostics;

namespace TermChat.Cli.Tests.Commands;

public sealed class NetcheckCommandTests
{
    private static readonly NetworkCheckReport Report = new(
        "lab", 7777, 7778, IPAddress.Parse("10.99.0.1"), null, 0.25,
        new LatencyStats(20, 20, 0.1, 0.2, 0.4, 0.05), "before-handshake", null,
        new LatencyStats(20, 19, 0.1, 0.15, 0.3, 0.02), null, null, 1472, 8972, true, true, false, "alpha", "Usable, but …");

    [Theory]
    [InlineData("10.0.0.5", "10.0.0.5", 7777)]
    [InlineData("lab.lan:7000", "lab.lan", 7000)]
    [InlineData("[::1]:7777", "::1", 7777)]
    [InlineData("[fd00::1]", "fd00::1", 7777)]
    [InlineData("fd00::1", "fd00::1", 7777)]
    public void Addresses_parse_as_host_and_port(string text, string host, int port)
    {
        Assert.True(NetcheckCommand.TryParseAddress(text, out string h, out int p, out _));
        Assert.Equal((host, port), (h, p));
    }

    [Theory]
    [InlineData("")]
    [InlineData("[::1")]
    [InlineData("host:0")]
    [InlineData("host:http")]
    [InlineData(":7777")]
    public void Bad_addresses_are_refused_with_a_reason(string text)
    {
        Assert.False(NetcheckCommand.TryParseAddress(text, out _, out _, out string? error));
        Assert.False(string.IsNullOrEmpty(error));
    }

    [Fact]
    public void The_text_report_shows_each_measurement_and_the_verdict()
    {
        Assert.Equal(
            "netcheck 10.99.0.1:7777 (alpha)" + Environment.NewLine +
            "  TCP        connect 0.25 ms; rtt min/avg/max 0.1/0.2/0.4 ms, jitter 0.05 ms, loss 0% (20/20)" + Environment.NewLine +
            "  UDP        port 7777: rtt min/avg/max 0.1/0.15/0.3 ms, jitter 0.02 ms, loss 5% (19/20)" + Environment.NewLine +
            "  Datagrams  1472 bytes arrive intact without fragmentation; fragmented 8972-byte datagrams arrive" + Environment.NewLine +
            "  Discovery  direct probe answered; broadcast/multicast do not reach the host" + Environment.NewLine +
            "Verdict: Usable, but …" + Environment.NewLine,
            NetcheckCommand.ToText(Report));
    }

    [Fact]
    public void The_json_report_has_the_numbers_scripts_compare()
    {
        string json = NetcheckCommand.ToJson(Report);
        Assert.Contains("\"largestUdpPayload\": 1472", json);
        Assert.Contains("\"lossPercent\": 5", json);
        Assert.Contains("\"discoveryBroadcast\": false", json);
    }
}
