using System.Globalization;
using System.Text.Json;
using TermChat.Cli.Tests.EndToEnd;

namespace TermChat.Cli.Tests.ServerIntegration;

/// <summary>`termchat netcheck` against a real `termchat serve` process.</summary>
public sealed class NetcheckProcessTests
{
    [Fact]
    public async Task Netcheck_measures_udp_on_the_chat_port_even_when_discovery_is_on_another_port()
    {
        // A discovery port netcheck does not know: the old check echoed to 7778, found nothing and called UDP broken.
        var (server, port) = await TermChatBinary.StartServerAsync("--bind", "127.0.0.1", "--discovery-port", "0");
        try
        {
            var (code, stdout, stderr) = await TermchatProcess.RunAsync(["netcheck", $"127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}", "--count", "3", "--json"]);

            Assert.Equal(0, code);
            using var report = JsonDocument.Parse(string.Join('\n', stdout));
            var root = report.RootElement;
            Assert.Equal(port, root.GetProperty("udpPort").GetInt32());
            Assert.Equal(3, root.GetProperty("udp").GetProperty("received").GetInt32());
            Assert.Equal(JsonValueKind.Null, root.GetProperty("udpError").ValueKind);
            string verdict = root.GetProperty("verdict").GetString()!;
            Assert.DoesNotContain("may not work", verdict, StringComparison.Ordinal);
            Assert.DoesNotContain("got no answer", verdict, StringComparison.Ordinal);
        }
        finally
        {
            TermChatBinary.Stop(server);
        }
    }
}
