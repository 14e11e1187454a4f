using TermChat.Protocol.Datagrams;

namespace TermChat.Protocol.Tests.Datagrams;

public class AckBlockTests
{
    // A packet header written by hand from PROTOCOL-DATAGRAMS.md section 5: marker, type, session id, packet number,
    // then the acknowledgement block at offsets 14 (cumulative), 18 (largest), 22 (bitmap) and 30 (ack delay).
    private static readonly byte[] Header = Convert.FromHexString(
        "D105" + "9C1C58EB627BB613" + "00000007" + "00000003" + "00000065" + "8000000000000005" + "0019");

    [Fact]
    public void The_block_is_read_from_and_written_to_its_place_in_the_packet_header()
    {
        var ack = AckBlock.Read(Header);

        Assert.Equal(new AckBlock(Cumulative: 3, Largest: 0x65, Bitmap: 0x8000000000000005, DelayMs: 25), ack);
        var written = Header[..14].Concat(new byte[18]).ToArray();
        ack.Write(written);
        Assert.Equal(Header, written);
    }

    [Fact]
    public void It_acknowledges_the_largest_and_each_bit_counted_down_from_it_and_nothing_above_or_beyond_64_below()
    {
        // Largest 101; bits 0, 2 and 63 = packets 100, 98 and 37.
        var ack = AckBlock.Read(Header);

        uint[] acknowledged = [.. Enumerable.Range(1, 200).Select(n => (uint)n).Where(ack.Acknowledges)];

        Assert.Equal([37u, 98u, 100u, 101u], acknowledged);
    }
}
