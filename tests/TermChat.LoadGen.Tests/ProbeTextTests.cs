using System.Text;
using TermChat.LoadGen.Scheduling;

namespace TermChat.LoadGen.Tests;

public class ProbeTextTests
{
    [Fact]
    public void A_probe_round_trips_and_is_padded_to_the_requested_size()
    {
        var text = new byte[48];
        ProbeText.Write(text, 3, 0xABCDEF, 0x1122334455667788);
        Assert.Equal("B0003000000abcdef1122334455667788...............", Encoding.ASCII.GetString(text));
        Assert.True(ProbeText.TryRead(text, out int publisher, out long sequence, out long ticks));
        Assert.Equal((3, 0xABCDEFL, 0x1122334455667788L), (publisher, sequence, ticks));
    }

    [Theory]
    [InlineData("hello there, this is not a probe at all")]
    [InlineData("B000300000000000g1122334455667788")]
    [InlineData("B0003")]
    [InlineData("SYNC")]
    public void Other_text_is_not_a_probe(string text)
    {
        Assert.False(ProbeText.TryRead(Encoding.ASCII.GetBytes(text), out _, out _, out _));
    }

    [Fact]
    public void A_buffer_too_small_for_the_fields_is_refused()
    {
        Assert.Throws<ArgumentException>(() => ProbeText.Write(new byte[ProbeText.MinBytes - 1], 0, 0, 0));
    }
}
