using System.Globalization;
using System.Text.Json;
using TermChat.Cli.Tests.EndToEnd;

namespace TermChat.Cli.Tests.ServerIntegration;

/// <summary>`termchat bench` against a real `termchat serve` process, as docs/BENCHMARKS.md runs it.</summary>
public sealed class BenchProcessTests
{
    [Theory]
    [InlineData("fanout")]
    [InlineData("pingpong")]
    [InlineData("udp")]
    public async Task Bench_against_a_server_with_flood_control_on_says_so_instead_of_measuring_the_throttle(string scenario)
    {
        var (server, port) = await TermChatBinary.StartServerAsync("--bind", "127.0.0.1", "--no-discovery");
        try
        {
            var (code, stdout, stderr) = await TermchatProcess.RunAsync(["bench", scenario, "--port", Port(port), "--no-progress"]);

            Assert.Equal(1, code);
            Assert.Empty(stdout);
            string line = Assert.Single(stderr);
            Assert.StartsWith("termchat bench: the server's flood control is on", line, StringComparison.Ordinal);
            Assert.Contains("start it with `--flood-rate 0` for a load test", line, StringComparison.Ordinal);
        }
        finally
        {
            TermChatBinary.Stop(server);
        }
    }

    [Fact]
    public async Task Bench_against_a_server_with_flood_control_off_measures_without_loss()
    {
        var (server, port) = await TermChatBinary.StartServerAsync("--bind", "127.0.0.1", "--no-discovery", "--flood-rate", "0");
        try
        {
            var (code, stdout, stderr) = await TermchatProcess.RunAsync(
                ["bench", "fanout", "--port", Port(port), "--subscribers", "2", "--rate", "500", "--duration", "0.5", "--warmup", "0", "--drain", "0.5", "--no-progress", "--json"]);

            Assert.True(code == 0, string.Join(Environment.NewLine, stderr));
            using var result = JsonDocument.Parse(Assert.Single(stdout));
            var run = result.RootElement.GetProperty("fanout")[0];
            Assert.Equal(0, run.GetProperty("lossPercent").GetDouble());
        }
        finally
        {
            TermChatBinary.Stop(server);
        }
    }

    private static string Port(int port) => port.ToString(CultureInfo.InvariantCulture);
}
