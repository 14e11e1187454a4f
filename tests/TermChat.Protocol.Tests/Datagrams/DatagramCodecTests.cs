using System.Net;
using TermChat.Protocol.Datagrams;

namespace TermChat.Protocol.Tests.Datagrams;

public class DatagramCodecTests
{
    private static readonly byte[] Address = new IPEndPoint(IPAddress.Loopback, 50000).Serialize().Buffer.ToArray();

    [Fact]
    public void A_header_round_trips_through_its_ten_bytes()
    {
        var bytes = new byte[DatagramLimits.HeaderBytes];
        new DatagramHeader(DatagramType.Packet, 0x0102030405060708).Write(bytes);

        Assert.Equal(Convert.FromHexString("D1050102030405060708"), bytes);
        Assert.True(DatagramHeader.TryRead(bytes, out var header));
        Assert.Equal(new DatagramHeader(DatagramType.Packet, 0x0102030405060708), header);
    }

    [Theory]
    [InlineData("D10501020304050607")]          // one byte short
    [InlineData("D2050102030405060708")]        // another version
    [InlineData("00050102030405060708")]        // not TermChat
    [InlineData("D1000102030405060708")]        // type 0
    [InlineData("D1070102030405060708")]        // unknown type
    public void Anything_but_a_TermChat_datagram_header_is_refused(string hex)
    {
        Assert.False(DatagramHeader.TryRead(Convert.FromHexString(hex), out _));
    }

    [Fact]
    public void A_datagram_over_1200_bytes_is_refused()
    {
        var bytes = new byte[DatagramLimits.MaxDatagramBytes + 1];
        new DatagramHeader(DatagramType.Packet, 1).Write(bytes);
        Assert.False(DatagramHeader.TryRead(bytes, out _));
    }

    [Fact]
    public void An_initial_is_exactly_1200_bytes_of_header_and_zeros()
    {
        var bytes = new byte[DatagramLimits.MaxDatagramBytes];
        bytes.AsSpan().Fill(0xEE);

        int length = HandshakeCodec.WriteInitial(bytes, 0xAABBCCDDEEFF0011);

        Assert.Equal(1200, length);
        Assert.Equal(Convert.FromHexString("D101AABBCCDDEEFF0011"), bytes[..10]);
        Assert.All(bytes[10..], b => Assert.Equal(0, b));
    }

    [Fact]
    public void Retry_and_connect_carry_the_same_cookie_back_and_forth()
    {
        var cookie = new HandshakeCookie(SessionId: 0x1111, Nonce: 0x2222, TimestampMs: 123456, Tag: new UInt128(0x0102030405060708, 0x090A0B0C0D0E0F10));
        var retry = new byte[DatagramLimits.MaxDatagramBytes];
        var connect = new byte[DatagramLimits.MaxDatagramBytes];

        int retryLength = HandshakeCodec.WriteRetry(retry, cookie);
        int connectLength = HandshakeCodec.WriteConnect(connect, cookie);

        Assert.Equal(42, retryLength);
        Assert.Equal(42, connectLength);
        Assert.True(HandshakeCodec.TryReadRetry(retry.AsSpan(0, retryLength), out var fromRetry));
        Assert.True(HandshakeCodec.TryReadConnect(connect.AsSpan(0, connectLength), out var fromConnect));
        Assert.Equal(cookie, fromRetry);
        Assert.Equal(cookie, fromConnect);
        Assert.False(HandshakeCodec.TryReadConnect(retry.AsSpan(0, retryLength), out _));
        Assert.False(HandshakeCodec.TryReadRetry(retry.AsSpan(0, retryLength - 1), out _));
    }

    [Fact]
    public void A_close_carries_its_reason()
    {
        var bytes = new byte[DatagramLimits.MaxDatagramBytes];
        int length = HandshakeCodec.WriteClose(bytes, 77, CloseCode.Timeout);

        Assert.True(HandshakeCodec.TryReadClose(bytes.AsSpan(0, length), out ulong id, out var code));
        Assert.Equal((77UL, CloseCode.Timeout), (id, code));
    }

    [Fact]
    public void A_cookie_is_valid_only_for_its_address_within_its_lifetime_and_untampered()
    {
        var protector = new CookieProtector(new byte[32], lifetimeMs: 30_000);
        var other = new IPEndPoint(IPAddress.Loopback, 50001).Serialize().Buffer.ToArray();
        var cookie = protector.Mint(Address, nonce: 42, nowMs: 1000);

        Assert.True(protector.TryValidate(Address, cookie, 1000));
        Assert.True(protector.TryValidate(Address, cookie, 31_000));
        Assert.False(protector.TryValidate(Address, cookie, 31_001));
        Assert.False(protector.TryValidate(Address, cookie, 999));
        Assert.False(protector.TryValidate(other, cookie, 1000));
        Assert.False(protector.TryValidate(Address, cookie with { Nonce = 43 }, 1000));
        Assert.False(protector.TryValidate(Address, cookie with { SessionId = cookie.SessionId ^ 1 }, 1000));
        Assert.False(protector.TryValidate(Address, cookie with { Tag = cookie.Tag ^ 1 }, 1000));
        Assert.False(protector.TryValidate(Address, cookie with { TimestampMs = 1001 }, 1001));
        Assert.False(new CookieProtector(new byte[32] { 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 }).TryValidate(Address, cookie, 1000));
    }

    [Fact]
    public void Different_nonces_and_addresses_get_different_session_ids()
    {
        var protector = new CookieProtector();
        var ids = new HashSet<ulong>();
        for (ulong nonce = 1; nonce <= 1000; nonce++)
        {
            Assert.True(ids.Add(protector.Mint(Address, nonce, 5).SessionId));
        }
    }
}
