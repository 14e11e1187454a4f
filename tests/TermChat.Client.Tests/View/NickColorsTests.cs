using TermChat.Client.LegacyView;
using TermChat.Tui.Styling;

namespace TermChat.Client.Tests.View;

public sealed class NickColorsTests
{
    [Theory]
    [InlineData("", 0x811C9DC5u)]
    [InlineData("a", 0xE40C292Cu)]
    [InlineData("foobar", 0xBF9CF968u)]
    [InlineData("FooBar", 0xBF9CF968u)]
    public void The_hash_is_fnv_1a_of_the_lowercased_nick(string nick, uint expected) =>
        Assert.Equal(expected, NickColors.Hash(nick));

    [Fact]
    public void The_same_nick_gets_the_same_colour_whatever_its_case()
    {
        Assert.Equal(NickColors.For("alice"), NickColors.For("ALICE"));
        Assert.Equal(Color.Indexed(NickColors.Palette[(int)(0xE40C292Cu % (uint)NickColors.Palette.Count)]), NickColors.For("A"));
    }

    [Fact]
    public void The_palette_has_no_greys_black_white_or_dark_blues()
    {
        Assert.All(NickColors.Palette, index =>
        {
            Assert.False(index is 0 or 7 or 8 or 15 or 16 or >= 232 or 231, $"{index} is black, white or grey");
            Assert.False(index is >= 17 and <= 20, $"{index} is too dark a blue");
        });
        Assert.Equal(NickColors.Palette.Count, NickColors.Palette.Distinct().Count());
    }

    [Fact]
    public void Different_nicks_spread_over_the_palette()
    {
        var colours = Enumerable.Range(0, 200).Select(i => NickColors.For($"user{i}")).Distinct().Count();
        Assert.True(colours >= NickColors.Palette.Count * 3 / 4, $"only {colours} colours used");
    }
}
