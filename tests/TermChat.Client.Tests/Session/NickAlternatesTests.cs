using TermChat.Client.Session;
using TermChat.Protocol;

namespace TermChat.Client.Tests.Session;

public class NickAlternatesTests
{
    [Theory]
    [InlineData("alice", 1, "alice_")]
    [InlineData("alice", 2, "alice__")]
    [InlineData("a", 3, "a___")]
    public void Alternates_append_underscores(string nick, int n, string expected) =>
        Assert.Equal(expected, NickAlternates.Nth(nick, n));

    [Fact]
    public void A_nick_at_the_length_limit_is_shortened_to_make_room()
    {
        string longest = new('x', ProtocolLimits.MaxNickBytes);

        string alternate = NickAlternates.Nth(longest, 2);

        Assert.Equal(ProtocolLimits.MaxNickBytes, alternate.Length);
        Assert.EndsWith("x__", alternate, StringComparison.Ordinal);
    }

    [Fact]
    public void Alternates_count_from_one() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => NickAlternates.Nth("alice", 0));
}
