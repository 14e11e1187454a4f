namespace TermChat.Server.Tests;

public sealed class ServerModeNamesTests
{
    [Fact]
    public void Every_mode_has_a_lower_case_name_that_reads_back_as_that_mode_in_any_case()
    {
        Assert.Equal(["select", "threads", "async"], ServerModeNames.All);
        foreach (var mode in Enum.GetValues<ServerMode>())
        {
            Assert.True(ServerModeNames.TryParse(mode.ToName(), out var lower));
            Assert.True(ServerModeNames.TryParse(mode.ToName().ToUpperInvariant(), out var upper));
            Assert.Equal((mode, mode), (lower, upper));
        }
    }

    [Theory]
    [InlineData("1")]
    [InlineData("")]
    [InlineData(null)]
    [InlineData("thread")]
    public void Numbers_and_unknown_words_are_not_modes(string? text)
    {
        Assert.False(ServerModeNames.TryParse(text, out _));
    }

    [Theory]
    [MemberData(nameof(ModeData.All), MemberType = typeof(ModeData))]
    public async Task A_server_reports_its_mode_and_sends_the_same_name_in_welcome(ServerMode mode)
    {
        await using var server = await TestKit.Server.TestServer.StartAsync(mode);
        await using var client = await server.ConnectAsync("alice");

        Assert.Equal(mode, server.Server.Mode);
        Assert.Equal(mode.ToName(), client.Welcome!.Mode);
    }
}
