using System.Buffers.Binary;
using System.Net;
using System.Text;
using TermChat.Protocol.Discovery;

namespace TermChat.Protocol.Tests.Discovery;

public sealed class DiscoveryCodecTests
{
    private static readonly DiscoveryReply SampleReply = new(
        Nonce: 0x0123456789ABCDEF,
        InstanceId: Guid.Parse("0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0"),
        ProtocolVersion: 1,
        AppVersion: "1.2.3",
        Name: "lab-server ü",
        Mode: "async",
        Users: 42,
        TcpPort: 7777,
        UdpPort: 7777,
        Addresses: new AdvertisedAddress[]
        {
            new(IPAddress.Parse("10.99.4.1"), 22),
            new(IPAddress.Parse("192.168.1.20"), 26),
            new(IPAddress.Parse("fd00::1"), 64),
        });

    private static DiscoveryMessage? Parse(ReadOnlySpan<byte> bytes)
    {
        Assert.True(DiscoveryCodec.TryParse(bytes, out var message));
        return message;
    }

    private static bool Parses(ReadOnlySpan<byte> bytes) => DiscoveryCodec.TryParse(bytes, out _);

    [Fact]
    public void Probe_round_trips_and_is_padded_to_the_probe_size()
    {
        var bytes = DiscoveryCodec.ToArray(new DiscoveryProbe(99));
        Assert.Equal(DiscoveryDefaults.ProbeBytes, bytes.Length);
        Assert.Equal("TCDS"u8.ToArray(), bytes[..4]);
        Assert.Equal(new DiscoveryProbe(99), Parse(bytes));
    }

    [Fact]
    public void Reply_round_trips_with_every_field()
    {
        var bytes = DiscoveryCodec.ToArray(SampleReply);
        Assert.Equal(SampleReply, Parse(bytes));
    }

    [Fact]
    public void The_largest_possible_reply_is_no_larger_than_a_probe()
    {
        var addresses = Enumerable.Range(0, DiscoveryDefaults.MaxAddresses)
            .Select(i => new AdvertisedAddress(IPAddress.Parse($"fd00::{i + 1:x}"), 128))
            .ToArray();
        var largest = SampleReply with
        {
            AppVersion = new string('v', DiscoveryDefaults.MaxVersionBytes),
            Name = new string('n', DiscoveryDefaults.MaxNameBytes),
            Mode = new string('m', DiscoveryDefaults.MaxModeBytes),
            Addresses = addresses,
            KeyFingerprint = new string('k', DiscoveryDefaults.MaxKeyBytes),
        };
        var bytes = DiscoveryCodec.ToArray(largest);
        Assert.True(bytes.Length <= DiscoveryDefaults.ProbeBytes, $"{bytes.Length} bytes");
        Assert.Equal(largest, Parse(bytes));
    }

    [Fact]
    public void Encoding_a_reply_with_too_many_addresses_is_refused()
    {
        var addresses = Enumerable.Range(0, DiscoveryDefaults.MaxAddresses + 1)
            .Select(i => new AdvertisedAddress(new IPAddress(new byte[] { 10, 0, 0, (byte)i }), 24))
            .ToArray();
        Assert.Throws<ArgumentException>(() => DiscoveryCodec.ToArray(SampleReply with { Addresses = addresses }));
    }

    [Fact]
    public void Encoding_a_reply_with_a_name_over_the_limit_is_refused_and_truncate_cuts_at_a_character_boundary()
    {
        string name = new string('a', DiscoveryDefaults.MaxNameBytes - 1) + "é";
        Assert.Throws<ArgumentException>(() => DiscoveryCodec.ToArray(SampleReply with { Name = name }));
        string cut = DiscoveryCodec.Truncate(name, DiscoveryDefaults.MaxNameBytes);
        Assert.Equal(new string('a', DiscoveryDefaults.MaxNameBytes - 1), cut);
        Assert.Equal(SampleReply with { Name = cut }, Parse(DiscoveryCodec.ToArray(SampleReply with { Name = cut })));
    }

    [Fact]
    public void Echo_request_round_trips_and_verifies_its_pattern()
    {
        var request = new EchoRequest(7, 3, 1400, 1400);
        var bytes = DiscoveryCodec.ToArray(request);
        Assert.Equal(1400, bytes.Length);
        Assert.Equal(request, Parse(bytes));
    }

    [Fact]
    public void Echo_request_with_a_changed_padding_byte_parses_as_not_intact()
    {
        var bytes = DiscoveryCodec.ToArray(new EchoRequest(7, 3, 600, 100));
        bytes[500] ^= 0x40;
        Assert.Equal(new EchoRequest(7, 3, 600, 100, Intact: false), Parse(bytes));
    }

    [Fact]
    public void Truncated_echo_request_parses_as_not_intact()
    {
        var bytes = DiscoveryCodec.ToArray(new EchoRequest(7, 3, 2000, 100));
        Assert.Equal(new EchoRequest(7, 3, 2000, 100, Intact: false), Parse(bytes.AsSpan(0, 1472)));
    }

    [Fact]
    public void Echo_reply_round_trips()
    {
        var reply = new EchoReply(7, 3, ReceivedLength: 1400, RequestIntact: true, Length: 1400);
        Assert.Equal(reply, Parse(DiscoveryCodec.ToArray(reply)));
        var small = new EchoReply(7, 4, ReceivedLength: 9000, RequestIntact: false, Length: DiscoveryDefaults.EchoHeaderBytes);
        Assert.Equal(small, Parse(DiscoveryCodec.ToArray(small)));
    }

    [Fact]
    public void Echo_reply_for_another_sequence_number_does_not_verify()
    {
        var bytes = DiscoveryCodec.ToArray(new EchoReply(7, 3, 600, true, 600));
        BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(14), 4);
        Assert.Equal(new EchoReply(7, 4, 600, true, 600, Intact: false), Parse(bytes));
    }

    [Fact]
    public void Unpadded_probe_is_ignored()
    {
        var bytes = DiscoveryCodec.ToArray(new DiscoveryProbe(1));
        Assert.False(Parses(bytes.AsSpan(0, DiscoveryDefaults.ProbeBytes - 1)));
        Assert.False(Parses(bytes.AsSpan(0, 14)));
    }

    [Fact]
    public void Probe_with_non_zero_padding_is_ignored()
    {
        var bytes = DiscoveryCodec.ToArray(new DiscoveryProbe(1));
        bytes[300] = 1;
        Assert.False(Parses(bytes));
    }

    [Fact]
    public void Wrong_magic_version_or_type_is_ignored()
    {
        var bytes = DiscoveryCodec.ToArray(new DiscoveryProbe(1));
        foreach (var (offset, value) in new[] { (0, (byte)'X'), (3, (byte)'Z'), (4, (byte)2), (4, (byte)0), (5, (byte)0), (5, (byte)5), (5, (byte)0xFF) })
        {
            var copy = bytes.ToArray();
            copy[offset] = value;
            Assert.False(Parses(copy), $"byte {offset} = {value}");
        }
    }

    [Fact]
    public void Empty_and_header_only_datagrams_are_ignored()
    {
        Assert.False(Parses([]));
        Assert.False(Parses("TCDS"u8));
        Assert.False(Parses([.. "TCDS"u8, 1, 1]));
        Assert.False(Parses([.. "TCDS"u8, 1, 2]));
        Assert.False(Parses([.. "TCDS"u8, 1, 3]));
        Assert.False(Parses([.. "TCDS"u8, 1, 4]));
    }

    [Fact]
    public void A_reply_carries_the_key_fingerprint_last_and_one_from_an_older_server_without_it_still_parses()
    {
        string key = Security.KeyFingerprint.Of([1, 2, 3]);
        var keyed = DiscoveryCodec.ToArray(SampleReply with { KeyFingerprint = key });
        var older = DiscoveryCodec.ToArray(SampleReply);

        // The key is the last field: a u16 length, then its UTF-8, and nothing after it.
        Assert.Equal([.. older, 0, 50, .. Encoding.UTF8.GetBytes(key)], keyed);
        Assert.Equal(SampleReply with { KeyFingerprint = key }, Parse(keyed));
        Assert.Equal("", ((DiscoveryReply)Parse(older)!).KeyFingerprint);
        Assert.False(Parses([.. keyed, 0]));
        Assert.Throws<ArgumentException>(() => DiscoveryCodec.ToArray(SampleReply with { KeyFingerprint = new string('k', DiscoveryDefaults.MaxKeyBytes + 1) }));
    }

    [Fact]
    public void A_node_of_a_cluster_sends_the_cluster_name_after_the_key_even_an_empty_key()
    {
        var older = DiscoveryCodec.ToArray(SampleReply);
        var node = DiscoveryCodec.ToArray(SampleReply with { Cluster = "prod" });

        Assert.Equal([.. older, 0, 0, 0, 4, .. "prod"u8], node);
        Assert.Equal(SampleReply with { Cluster = "prod" }, Parse(node));
        string key = Security.KeyFingerprint.Of([1]);
        Assert.Equal(SampleReply with { KeyFingerprint = key, Cluster = "prod" }, Parse(DiscoveryCodec.ToArray(SampleReply with { KeyFingerprint = key, Cluster = "prod" })));
        Assert.False(Parses([.. node, 0]));
        Assert.False(Parses([.. older, 0, 0, 0, 33, .. new byte[33]]));
        Assert.Throws<ArgumentException>(() => DiscoveryCodec.ToArray(SampleReply with { Cluster = new string('c', DiscoveryDefaults.MaxClusterBytes + 1) }));
    }

    [Fact]
    public void A_reply_that_would_be_larger_than_a_probe_is_refused_when_encoding()
    {
        var largest = SampleReply with
        {
            AppVersion = new string('v', DiscoveryDefaults.MaxVersionBytes),
            Name = new string('n', DiscoveryDefaults.MaxNameBytes),
            Mode = new string('m', DiscoveryDefaults.MaxModeBytes),
            Addresses = Enumerable.Range(0, DiscoveryDefaults.MaxAddresses).Select(i => new AdvertisedAddress(IPAddress.Parse($"fd00::{i + 1:x}"), 128)).ToArray(),
            KeyFingerprint = new string('k', DiscoveryDefaults.MaxKeyBytes),
            Cluster = new string('c', DiscoveryDefaults.MaxClusterBytes),
        };
        Assert.True(DiscoveryCodec.MeasureReply(largest) > DiscoveryDefaults.MaxReplyBytes);
        Assert.Throws<ArgumentException>(() => DiscoveryCodec.ToArray(largest));
    }

    [Fact]
    public void Reply_with_trailing_bytes_is_ignored()
    {
        var bytes = DiscoveryCodec.ToArray(SampleReply);
        Assert.False(Parses([.. bytes, 0]));
    }

    [Fact]
    public void Every_truncation_of_a_reply_is_ignored()
    {
        var bytes = DiscoveryCodec.ToArray(SampleReply);
        for (int length = 0; length < bytes.Length; length++)
        {
            Assert.False(Parses(bytes.AsSpan(0, length)), $"length {length}");
        }
    }

    [Fact]
    public void Reply_claiming_more_addresses_than_the_limit_is_ignored()
    {
        var reply = SampleReply with { Addresses = ValueList<AdvertisedAddress>.Empty };
        var bytes = DiscoveryCodec.ToArray(reply);
        bytes[^1] = DiscoveryDefaults.MaxAddresses + 1;
        var padded = bytes.Concat(new byte[(DiscoveryDefaults.MaxAddresses + 1) * 6]).ToArray();
        for (int i = 0; i <= DiscoveryDefaults.MaxAddresses; i++)
        {
            padded[bytes.Length + (i * 6)] = 4;
            padded[bytes.Length + (i * 6) + 5] = 24;
        }
        Assert.False(Parses(padded));
    }

    [Fact]
    public void Reply_with_an_unknown_address_family_or_an_impossible_prefix_is_ignored()
    {
        var reply = SampleReply with { Addresses = new AdvertisedAddress[] { new(IPAddress.Parse("10.0.0.1"), 24) } };
        var bytes = DiscoveryCodec.ToArray(reply);
        var family = bytes.ToArray();
        family[^6] = 5;
        Assert.False(Parses(family));
        var prefix = bytes.ToArray();
        prefix[^1] = 33;
        Assert.False(Parses(prefix));
    }

    [Fact]
    public void Reply_larger_than_a_probe_is_ignored()
    {
        var bytes = DiscoveryCodec.ToArray(SampleReply);
        var oversized = bytes.Concat(new byte[DiscoveryDefaults.ProbeBytes]).ToArray();
        Assert.False(Parses(oversized));
    }

    [Fact]
    public void Reply_with_invalid_utf8_in_the_name_is_ignored()
    {
        var reply = SampleReply with { Name = "abcd" };
        var bytes = DiscoveryCodec.ToArray(reply);
        int at = bytes.AsSpan().IndexOf("abcd"u8);
        bytes[at] = 0xFF;
        Assert.False(Parses(bytes));
    }

    [Fact]
    public void Reply_with_a_string_length_over_its_limit_is_ignored()
    {
        var reply = SampleReply with { Mode = "m" };
        var bytes = DiscoveryCodec.ToArray(reply);
        int at = bytes.AsSpan().IndexOf(new byte[] { 0, 1, (byte)'m' });
        BinaryPrimitives.WriteUInt16BigEndian(bytes.AsSpan(at), DiscoveryDefaults.MaxModeBytes + 1);
        Assert.False(Parses(bytes));
    }

    [Fact]
    public void Echo_request_asking_for_an_impossible_reply_length_is_ignored()
    {
        var bytes = DiscoveryCodec.ToArray(new EchoRequest(1, 1, 100, 100));
        BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(22), 10);
        Assert.False(Parses(bytes));
        BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(22), 70000);
        Assert.False(Parses(bytes));
    }

    [Fact]
    public void Echo_lengths_outside_the_datagram_range_are_refused_when_encoding()
    {
        Assert.Throws<ArgumentException>(() => DiscoveryCodec.ToArray(new EchoRequest(1, 1, DiscoveryDefaults.EchoHeaderBytes - 1, 100)));
        Assert.Throws<ArgumentException>(() => DiscoveryCodec.ToArray(new EchoRequest(1, 1, DiscoveryDefaults.MaxDatagramBytes + 1, 100)));
    }

    [Fact]
    public void Another_protocol_on_the_port_is_ignored()
    {
        Assert.False(Parses(Encoding.ASCII.GetBytes("M-SEARCH * HTTP/1.1\r\nHOST: 239.255.255.250:1900\r\n\r\n")));
        Assert.False(Parses(new byte[DiscoveryDefaults.ProbeBytes]));
    }
}
