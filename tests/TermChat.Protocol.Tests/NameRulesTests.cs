namespace TermChat.Protocol.Tests;

public sealed class NameRulesTests
{
    [Theory]
    [InlineData("a")]
    [InlineData("Ann")]
    [InlineData("x_-[]{}|^`9")]
    [InlineData("abcdefghijklmnopqrstuvwx")]
    public void Valid_nicks_are_accepted(string nick) => Assert.True(NameRules.IsValidNick(nick, out _));

    [Theory]
    [InlineData("")]
    [InlineData("9lives")]
    [InlineData("-dash")]
    [InlineData("has space")]
    [InlineData("naïve")]
    [InlineData("abcdefghijklmnopqrstuvwxy")]
    public void Invalid_nicks_are_refused_with_a_reason(string nick)
    {
        Assert.False(NameRules.IsValidNick(nick, out string problem));
        Assert.NotEmpty(problem);
    }

    [Theory]
    [InlineData("#Lobby", "#lobby")]
    [InlineData("#a", "#a")]
    [InlineData("#Dev_Ops-2", "#dev_ops-2")]
    public void Room_names_are_normalised_to_lowercase(string room, string expected)
    {
        Assert.True(NameRules.TryNormalizeRoom(room, out string normalized, out _));
        Assert.Equal(expected, normalized);
    }

    [Theory]
    [InlineData("lobby")]
    [InlineData("#")]
    [InlineData("#has space")]
    [InlineData("#dot.dot")]
    [InlineData("#abcdefghijklmnopqrstuvwxyz123456")]
    public void Invalid_room_names_are_refused(string room) => Assert.False(NameRules.TryNormalizeRoom(room, out _, out _));

    [Fact]
    public void Nicks_compare_ignoring_case() => Assert.True(NameRules.NickComparer.Equals("Ann", "aNN"));
}
