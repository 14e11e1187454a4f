using System.Text;
using Org.BouncyCastle.Tls;
using TermChat.Protocol.Security;
using TermChat.Server.Security;

namespace TermChat.Server.Tests.Udp;

/// <summary>
/// <see cref="DtlsChannel.OpenNext"/> after a real BouncyCastle handshake between two channels wired to each other: a
/// record that yields no application data (a duplicate, the peer's retransmitted final flight) is dealt with at once,
/// never by holding the opening thread for BouncyCastle's whole receive wait.
/// </summary>
public sealed class DtlsChannelOpeningTests
{
    private static string? Open(DtlsChannel channel, DtlsTransport dtls)
    {
        var buffer = new byte[DtlsRecord.MaxDatagramBytes];
        int length = channel.OpenNext(dtls, buffer);
        return length < 0 ? null : Encoding.UTF8.GetString(buffer, 0, length);
    }

    /// <summary>Sends <paramref name="text"/> from the client; returns the record as it went out.</summary>
    private static byte[] SendFromClient(DtlsPair pair, string text)
    {
        int before = pair.FromClient.Count;
        pair.ClientDtls.Send(Encoding.UTF8.GetBytes(text));
        return pair.FromClient.Skip(before).Single();
    }

    [Fact]
    public async Task A_duplicated_record_is_dropped_without_waiting_out_BouncyCastles_receive_wait()
    {
        var pair = await DtlsPair.HandshakeAsync();
        byte[] record = SendFromClient(pair, "first");
        Assert.Equal("first", Open(pair.Server, pair.ServerDtls));
        long emptyBefore = pair.Server.EmptyReceives;

        // The network delivers the same record again: the replay window drops it.
        pair.Server.Offer(record);
        Assert.Null(Open(pair.Server, pair.ServerDtls));

        // BouncyCastle asks the empty queue again until its wait is over; each ask costs at most EmptyWaitMillis. Asked
        // with a long wait (as before session 7's fix: 1 s), it asked hundreds of times and held this thread that long.
        Assert.InRange(pair.Server.EmptyReceives - emptyBefore, 0, 2);
        SendFromClient(pair, "second");
        Assert.Equal("second", Open(pair.Server, pair.ServerDtls));
    }

    [Fact]
    public async Task The_peers_retransmitted_final_handshake_flight_does_not_hold_the_opening_thread()
    {
        var pair = await DtlsPair.HandshakeAsync();
        // The client's last handshake flight as it went out (its handshake records other than the ClientHellos, and its
        // ChangeCipherSpec): what a client whose timer fired before our Finished arrived sends again.
        var finalFlight = pair.FromClient
            .Where(datagram => datagram[0] == ContentType.change_cipher_spec
                || datagram[0] == ContentType.handshake && !(datagram[4] == 0 && datagram[13] == HandshakeType.client_hello))
            .ToList();
        Assert.NotEmpty(finalFlight);
        long emptyBefore = pair.Server.EmptyReceives;

        foreach (var datagram in finalFlight)
        {
            pair.Server.Offer(datagram);
            Assert.Null(Open(pair.Server, pair.ServerDtls));
        }

        // Each record that yielded no data cost at most a couple of short waits (with BouncyCastle's 1 s wait, a loaded
        // server's select thread spent a second on each).
        Assert.InRange(pair.Server.EmptyReceives - emptyBefore, 0, 2 * finalFlight.Count);
        // The association still carries data both ways.
        Open(pair.Client, pair.ClientDtls);
        SendFromClient(pair, "still here");
        Assert.Equal("still here", Open(pair.Server, pair.ServerDtls));
        pair.ServerDtls.Send(Encoding.UTF8.GetBytes("and back"));
        Assert.Equal("and back", Open(pair.Client, pair.ClientDtls));
    }
}
