using System.Diagnostics;
using TermChat.Protocol.Security;
using static TermChat.Protocol.Tests.Dtls.HandBuiltRecords;

namespace TermChat.Protocol.Tests.Dtls;

/// <summary>
/// The reorder buffer of <see cref="DtlsChannel"/>'s blocking receive (the handshake's): records are handed to
/// BouncyCastle in the order the peer sent them (lowest epoch, then sequence number), a record after a gap waits a
/// little for the missing ones, and an epoch-1 record waits for the ChangeCipherSpec before it. BouncyCastle applies a
/// ChangeCipherSpec whenever it reads one and drops an epoch-1 record read before it, so a reordered flight would
/// stall the handshake. The records are built by hand; BouncyCastle is not involved.
/// </summary>
public sealed class DtlsChannelReorderTests
{
    /// <summary>The blocking receive's wait in these tests: far longer than any reorder wait.</summary>
    private const int ReceiveWaitMillis = 30_000;

    private static DtlsChannel Channel() => new(_ => { }, firstSequence: 0);

    /// <summary>The next record the handshake would read, by the name in its payload.</summary>
    private static string Next(DtlsChannel channel)
    {
        var buffer = new byte[DtlsRecord.MaxDatagramBytes];
        int length = channel.Receive(buffer, ReceiveWaitMillis);
        Assert.True(length >= 13, $"the receive returned {length}, not a record");
        return System.Text.Encoding.ASCII.GetString(buffer, 13, length - 13);
    }

    [Fact]
    public void Handshake_records_offered_in_reverse_order_come_out_in_the_order_they_were_sent()
    {
        var channel = Channel();
        foreach (long sequence in new long[] { 2, 1, 0 })
        {
            Assert.True(channel.Offer(Record(Handshake, 0, sequence)));
        }

        string[] read = [Next(channel), Next(channel), Next(channel)];

        Assert.Equal([Name(Handshake, 0, 0), Name(Handshake, 0, 1), Name(Handshake, 0, 2)], read);
    }

    [Fact]
    public void A_flight_reversed_by_the_network_is_read_with_the_ChangeCipherSpec_after_the_CertificateVerify_and_before_the_Finished()
    {
        // A client's second flight as a server once saw it: Finished (epoch 1), ChangeCipherSpec, CertificateVerify,
        // ClientKeyExchange, Certificate. Read in that order, the ChangeCipherSpec would close epoch 0 before the
        // CertificateVerify and the Finished would be dropped before the ChangeCipherSpec.
        var channel = Channel();
        Assert.True(channel.Offer(Record(Handshake, 1, 0)));
        Assert.True(channel.Offer(Record(ChangeCipherSpec, 0, 3)));
        Assert.True(channel.Offer(Record(Handshake, 0, 2)));
        Assert.True(channel.Offer(Record(Handshake, 0, 1)));
        Assert.True(channel.Offer(Record(Handshake, 0, 0)));

        string[] read = [Next(channel), Next(channel), Next(channel), Next(channel), Next(channel)];

        Assert.Equal(
            [Name(Handshake, 0, 0), Name(Handshake, 0, 1), Name(Handshake, 0, 2), Name(ChangeCipherSpec, 0, 3), Name(Handshake, 1, 0)],
            read);
    }

    [Fact]
    public void A_record_after_a_gap_is_held_back_a_little_for_the_missing_one_and_then_read_anyway()
    {
        var channel = Channel();
        Assert.True(channel.Offer(Record(Handshake, 0, 1)));
        var clock = Stopwatch.StartNew();

        string read = Next(channel);

        // Record 0 never came (lost): record 1 waits the reorder wait (50 ms) and then goes, long before the receive's
        // own wait is over. Only a lower bound is exact; the upper one is generous, for a loaded machine.
        Assert.Equal(Name(Handshake, 0, 1), read);
        Assert.InRange(clock.ElapsedMilliseconds, 40, ReceiveWaitMillis / 2);
    }

    [Fact]
    public void An_epoch_1_record_before_any_ChangeCipherSpec_is_held_back_a_little_and_then_read_anyway()
    {
        var channel = Channel();
        Assert.True(channel.Offer(Record(Handshake, 0, 0)));
        Assert.Equal(Name(Handshake, 0, 0), Next(channel));
        Assert.True(channel.Offer(Record(Handshake, 1, 0)));
        var clock = Stopwatch.StartNew();

        string read = Next(channel);

        Assert.Equal(Name(Handshake, 1, 0), read);
        Assert.InRange(clock.ElapsedMilliseconds, 40, ReceiveWaitMillis / 2);
    }

    [Fact]
    public void Records_in_order_and_an_epoch_1_record_after_its_ChangeCipherSpec_are_read_at_once()
    {
        var channel = Channel();
        Assert.True(channel.Offer(Record(Handshake, 0, 0)));
        Assert.True(channel.Offer(Record(ChangeCipherSpec, 0, 1)));
        Assert.True(channel.Offer(Record(Handshake, 1, 0)));
        var clock = Stopwatch.StartNew();

        string[] read = [Next(channel), Next(channel), Next(channel)];

        // Nothing is missing, so nothing waits the reorder wait; the bound is the receive's own wait, for a loaded machine.
        Assert.Equal([Name(Handshake, 0, 0), Name(ChangeCipherSpec, 0, 1), Name(Handshake, 1, 0)], read);
        Assert.InRange(clock.ElapsedMilliseconds, 0, ReceiveWaitMillis / 2);
    }
}
