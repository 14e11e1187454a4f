using System.Diagnostics;
using TermChat.Protocol.Security;
using static TermChat.Protocol.Tests.Dtls.HandBuiltRecords;

namespace TermChat.Protocol.Tests.Dtls;

/// <summary>
/// How <see cref="DtlsChannel"/> sends a handshake flight: its records together in one datagram, and again byte for
/// byte when the peer stays silent for <see cref="DtlsChannel.MaxHandshakeWaitMillis"/> or, after the handshake,
/// sends its own flight again. BouncyCastle's own resend timer doubles up to 60 s. The records are built by hand;
/// BouncyCastle is not involved.
/// </summary>
public sealed class DtlsChannelResendTests
{
    private static byte[] Datagram(params byte[][] records) => records.SelectMany(r => r).ToArray();

    private sealed class Wire
    {
        public List<byte[]> Sent { get; } = [];

        public DtlsChannel Channel { get; }

        public Wire() => Channel = new DtlsChannel(datagram => Sent.Add(datagram.ToArray()), firstSequence: 0);

        public int Receive(int waitMillis) => Channel.Receive(new byte[DtlsRecord.MaxDatagramBytes], waitMillis);
    }

    [Fact]
    public void A_flight_goes_as_one_datagram_when_BouncyCastle_receives_and_again_after_a_second_of_silence()
    {
        var wire = new Wire();
        byte[][] flight = [Record(Handshake, 0, 1), Record(Handshake, 0, 2), Record(ChangeCipherSpec, 0, 3)];
        foreach (var record in flight)
        {
            wire.Channel.Send(record);
        }
        Assert.Empty(wire.Sent);
        var clock = Stopwatch.StartNew();

        // BouncyCastle asks for its whole resend timer (here 30 s): the channel answers "nothing yet" after the cap, as
        // BouncyCastle's record layer then simply asks again, the channel resends the flight itself.
        int received = wire.Receive(30_000);

        Assert.Equal(-1, received);
        Assert.InRange(clock.ElapsedMilliseconds, DtlsChannel.MaxHandshakeWaitMillis - 50, 15_000);
        Assert.Equal([Datagram(flight), Datagram(flight)], wire.Sent);
    }

    [Fact]
    public void A_wait_that_ends_before_the_cap_resends_nothing_because_BouncyCastle_resends_then()
    {
        var wire = new Wire();
        wire.Channel.Send(Record(Handshake, 0, 0));

        Assert.Equal(-1, wire.Receive(100));

        Assert.Equal([Record(Handshake, 0, 0)], wire.Sent);
    }

    [Fact]
    public void Records_sent_after_a_receive_are_a_new_flight_and_only_that_one_goes_again()
    {
        var wire = new Wire();
        wire.Channel.Send(Record(Handshake, 0, 0));
        Assert.Equal(-1, wire.Receive(100));
        wire.Channel.Send(Record(Handshake, 0, 1));
        wire.Channel.Send(Record(Handshake, 0, 2));

        Assert.Equal(-1, wire.Receive(30_000));

        byte[] second = Datagram(Record(Handshake, 0, 1), Record(Handshake, 0, 2));
        Assert.Equal([Record(Handshake, 0, 0), second, second], wire.Sent);
    }

    [Fact]
    public void A_Finished_ends_its_flight_at_once_without_waiting_for_a_receive()
    {
        var wire = new Wire();

        wire.Channel.Send(Record(ChangeCipherSpec, 0, 5));
        wire.Channel.Send(Record(Handshake, 1, 0));

        Assert.Equal([Datagram(Record(ChangeCipherSpec, 0, 5), Record(Handshake, 1, 0))], wire.Sent);
    }

    [Fact]
    public void Application_data_and_alerts_go_out_at_once_one_record_per_datagram_after_what_was_held()
    {
        var wire = new Wire();
        wire.Channel.Send(Record(Handshake, 0, 0));

        wire.Channel.Send(Record(ApplicationData, 1, 1));
        wire.Channel.Send(Record(Alert, 1, 2));

        Assert.Equal([Record(Handshake, 0, 0), Record(ApplicationData, 1, 1), Record(Alert, 1, 2)], wire.Sent);
    }

    [Fact]
    public void After_the_handshake_the_peers_flight_again_brings_our_last_flight_again_until_its_data_shows_it_had_it()
    {
        var wire = new Wire();
        wire.Channel.Send(Record(ChangeCipherSpec, 0, 5));
        wire.Channel.Send(Record(Handshake, 1, 0));
        byte[] last = Datagram(Record(ChangeCipherSpec, 0, 5), Record(Handshake, 1, 0));
        wire.Channel.NonBlocking = true;

        // The peer's final flight again: ours was lost.
        Assert.True(wire.Channel.Offer(Datagram(Record(Handshake, 0, 9), Record(ChangeCipherSpec, 0, 10))));
        Assert.True(wire.Receive(1) > 0);
        Assert.Equal([last, last], wire.Sent);

        // Its data: it has ours. A late copy of its flight then asks for nothing.
        Assert.True(wire.Channel.Offer(Record(ApplicationData, 1, 3)));
        Assert.True(wire.Receive(1) > 0);
        Assert.True(wire.Channel.Offer(Datagram(Record(Handshake, 0, 9), Record(ChangeCipherSpec, 0, 10))));
        Assert.True(wire.Receive(1) > 0);
        Assert.Equal([last, last], wire.Sent);
    }
}
