using TermChat.Client.Transports;

namespace TermChat.Client.Tests.Transports;

public sealed class ChatEndpointTests
{
    [Theory]
    [InlineData("127.0.0.1", "127.0.0.1", 7777)]
    [InlineData("127.0.0.1:9000", "127.0.0.1", 9000)]
    [InlineData("localhost", "localhost", 7777)]
    [InlineData("chat.example.org:1", "chat.example.org", 1)]
    [InlineData("[::1]:7000", "::1", 7000)]
    [InlineData("[::1]", "::1", 7777)]
    [InlineData("::1", "::1", 7777)]
    [InlineData("fe80::1%2", "fe80::1%2", 7777)]
    [InlineData("  host:65535 ", "host", 65535)]
    public void Valid_addresses_parse_to_host_and_port(string text, string host, int port)
    {
        Assert.True(ChatEndpoint.TryParse(text, out var endpoint, out string? error), error);
        Assert.Equal(new ChatEndpoint(host, port), endpoint);
    }

    [Theory]
    [InlineData("", "the address is empty; expected HOST[:PORT]")]
    [InlineData("host:0", "'0' is not a port; expected a number from 1 to 65535")]
    [InlineData("host:65536", "'65536' is not a port; expected a number from 1 to 65535")]
    [InlineData("host:x", "'x' is not a port; expected a number from 1 to 65535")]
    [InlineData("host:", "'' is not a port; expected a number from 1 to 65535")]
    [InlineData(":7777", "':7777' has no host; expected HOST[:PORT]")]
    [InlineData("[::1", "'[::1' has '[' without a closing ']'; write IPv6 addresses as [::1]:7777")]
    [InlineData("[::1]x", "'[::1]x' has text after ']' that is not ':PORT'")]
    [InlineData("[host]:1", "'host' inside brackets is not an IPv6 address")]
    [InlineData("1:2:3", "'1:2:3' is not a valid address; write IPv6 with a port as [::1]:7777")]
    [InlineData("a b", "'a b' is not a host name or IP address")]
    public void Invalid_addresses_are_rejected_with_a_specific_reason(string text, string expected)
    {
        Assert.False(ChatEndpoint.TryParse(text, out _, out string? error));
        Assert.Equal(expected, error);
    }

    [Theory]
    [InlineData("::1", 7777, "[::1]:7777")]
    [InlineData("10.0.0.1", 80, "10.0.0.1:80")]
    public void Endpoints_print_as_they_are_typed(string host, int port, string expected) =>
        Assert.Equal(expected, new ChatEndpoint(host, port).ToString());
}
