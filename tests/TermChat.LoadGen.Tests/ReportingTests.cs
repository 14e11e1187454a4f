using TermChat.BenchTools;
using System.Text.Json;
using TermChat.LoadGen.Metrics;
using TermChat.LoadGen.Reporting;
using TermChat.LoadGen.Scenarios;

namespace TermChat.LoadGen.Tests;

public class ReportingTests
{
    private static FanoutResult Fanout(double deliveries, double p99Us, string? error = null) =>
        new("termchat", 100, 1, 20_000, 120_000, 12_000_000, 12_000_000, deliveries, 0, new LatencySummary(1000, 100, p99Us, p99Us * 2, p99Us * 3, 120), 1.5, 2.0, error);

    [Fact]
    public void The_json_document_has_camel_case_fields_numbers_and_no_nulls()
    {
        var document = new BenchDocument { Scenario = "fanout", Label = "termchat-async", Target = "termchat", Fanout = [Fanout(2_000_000, 900)] };
        using var json = JsonDocument.Parse(JsonOutput.Write(document));
        var root = json.RootElement;
        var run = root.GetProperty("fanout")[0];
        Assert.Equal(
            ("fanout", "termchat-async", 100, 2_000_000.0, 900.0, false, false),
            (root.GetProperty("scenario").GetString(), root.GetProperty("label").GetString(), run.GetProperty("subscribers").GetInt32(),
             run.GetProperty("deliveriesPerSecond").GetDouble(), run.GetProperty("latency").GetProperty("p99Us").GetDouble(),
             root.TryGetProperty("pingPong", out _), run.TryGetProperty("error", out _)));
    }

    [Fact]
    public void A_document_reads_back_equal()
    {
        var document = new BenchDocument { Scenario = "pingpong", Label = "echo", Target = "echo", PingPong = new PingPongResult("echo", 10, 5, new LatencySummary(10, 1, 2, 3, 4, 2.5), null) };
        var back = JsonOutput.Read(JsonOutput.Write(document));
        Assert.Equal((document.Scenario, document.Label, document.PingPong), (back.Scenario, back.Label, back.PingPong));
    }

    [Fact]
    public void Replacing_the_section_keeps_everything_outside_the_markers()
    {
        string before = "# Benchmarks\n\n## Codec\n\nmicro results\n";
        string once = MarkdownReport.ReplaceSection(before, "first");
        string twice = MarkdownReport.ReplaceSection(once + "\n## After\n\nkept\n", "second");
        Assert.Equal(before + "\n" + MarkdownReport.BeginMarker + "\nfirst\n" + MarkdownReport.EndMarker + "\n", once);
        Assert.Equal(before + "\n" + MarkdownReport.BeginMarker + "\nsecond\n" + MarkdownReport.EndMarker + "\n\n## After\n\nkept\n", twice);
    }

    [Fact]
    public void Ratios_are_taken_within_each_repetition_and_summarised_by_median_and_spread()
    {
        var runs = new List<BenchDocument>();
        double[] ours = [2_000_000, 1_800_000, 2_200_000];
        double[] theirs = [1_000_000, 1_000_000, 500_000];
        for (int i = 0; i < 3; i++)
        {
            runs.Add(new BenchDocument { Scenario = "fanout", Label = "nats", Target = "nats", Fanout = [Fanout(theirs[i], 1000)] });
            runs.Add(new BenchDocument { Scenario = "fanout", Label = "termchat-async", Target = "termchat", Fanout = [Fanout(ours[i], 500)] });
        }
        string section = MarkdownReport.Build(runs, "");
        Assert.Contains("| nats | 3 | **1,000,000** (500,000–1,000,000)", section, StringComparison.Ordinal);
        Assert.Contains("| termchat-async | 3 | **2,000,000** (1,800,000–2,200,000)", section, StringComparison.Ordinal);
        // p99 ratio 0.5 in every repetition; CPU ratio 1.
        Assert.Contains("| termchat-async | **0.50×** (0.50×–0.50×) |", section, StringComparison.Ordinal);
    }

    [Fact]
    public void Failed_runs_are_listed_under_the_table()
    {
        var runs = new List<BenchDocument>
        {
            new() { Scenario = "fanout", Label = "ngircd", Target = "irc", Fanout = [Fanout(10, 1, "server closed the connection")] },
            new() { Scenario = "fanout", Label = "ngircd", Target = "irc", Fanout = [Fanout(10, 1, "server closed the connection")] },
        };
        Assert.Contains("* ngircd: server closed the connection (2×)", MarkdownReport.Build(runs, ""), StringComparison.Ordinal);
    }

    [Fact]
    public void The_median_of_an_even_count_is_the_mean_of_the_middle_two()
    {
        Assert.Equal((2.5, 3.0), (MarkdownReport.Median([4, 1, 3, 2]), MarkdownReport.Median([5, 1, 3])));
    }

    [Fact]
    public void Tables_align_text_left_and_numbers_right()
    {
        var table = new TextTable("target", "msg/s");
        table.Add("nats", "1,000");
        table.Add("termchat", "20");
        Assert.Equal("target    msg/s\n--------  -----\nnats      1,000\ntermchat     20\n", table.ToString());
    }

    [Fact]
    public void Loss_is_never_rounded_down_to_zero()
    {
        Assert.Equal(("0", "<0.001", "0.5", "12.35"), (Format.Loss(0), Format.Loss(0.0000001), Format.Loss(0.5), Format.Loss(12.3456)));
    }

    [Fact]
    public void Targets_are_judged_from_medians_and_a_miss_says_by_how_much()
    {
        var runs = new List<BenchDocument>();
        for (int i = 0; i < 3; i++)
        {
            runs.Add(new BenchDocument { Scenario = "pingpong", Label = "echo", Target = "echo", PingPong = new PingPongResult("echo", 10, 5, new LatencySummary(10, 20, 40, 60, 80, 25), null) });
            runs.Add(new BenchDocument { Scenario = "pingpong", Label = "termchat-async", Target = "termchat", PingPong = new PingPongResult("termchat", 10, 5, new LatencySummary(10, 30, 100, 120, 150, 35), null) });
            runs.Add(new BenchDocument { Scenario = "connections", Label = "termchat-async", Target = "termchat", Connections = new ConnectionsResult("termchat", 10_000, 10_000, 10_000, 3, 0, 30_000_000, 3_000, null) });
        }
        string section = MarkdownReport.Build(runs, "");
        Assert.Contains("| ping-pong p99 ≤ 2× a trivial echo (async mode) | 2.50× (echo p99 40.0 µs, TermChat 100.0 µs) — missed by 25 % | **no** |", section, StringComparison.Ordinal);
        Assert.Contains("| 10,000 idle connections in async mode at ≤ 4 KiB server RSS each (first ramp of the run) | 2.93 KiB each over the RSS the server already had, 10,000 alive | yes |", section, StringComparison.Ordinal);
    }
}
