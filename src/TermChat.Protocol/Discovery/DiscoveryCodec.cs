using System.Net;
using System.Net.Sockets;
using System.Text;
using TermChat.Protocol.Codec;

namespace TermChat.Protocol.Discovery;

/// <summary>
/// Encodes and parses discovery and netcheck datagrams (PROTOCOL.md, "Discovery"). Every datagram starts
/// with the magic "TCDS", the format version and a type byte. Parsing is pure and never throws: anything
/// malformed, truncated, oversized or from another format version is reported as not parsed and is ignored.
/// </summary>
public static class DiscoveryCodec
{
    /// <summary>"TCDS": TermChat discovery.</summary>
    public static ReadOnlySpan<byte> Magic => "TCDS"u8;

    private const int GuidBytes = 16;

    /// <summary>Parses one datagram.</summary>
    /// <param name="datagram">The received bytes.</param>
    /// <param name="message">The message, when the datagram is valid.</param>
    /// <returns><see langword="true"/> when the datagram is a valid discovery message of this format version.</returns>
    public static bool TryParse(ReadOnlySpan<byte> datagram, out DiscoveryMessage? message)
    {
        message = null;
        if (datagram.Length < DiscoveryDefaults.HeaderBytes || datagram.Length > DiscoveryDefaults.MaxDatagramBytes
            || !datagram[..Magic.Length].SequenceEqual(Magic) || datagram[4] != DiscoveryDefaults.FormatVersion)
        {
            return false;
        }
        var reader = new DatagramReader(datagram[DiscoveryDefaults.HeaderBytes..]);
        message = (DiscoveryMessageType)datagram[5] switch
        {
            DiscoveryMessageType.Probe => ReadProbe(ref reader, datagram.Length),
            DiscoveryMessageType.Reply => ReadReply(ref reader, datagram.Length),
            DiscoveryMessageType.EchoRequest => ReadEchoRequest(ref reader, datagram),
            DiscoveryMessageType.EchoReply => ReadEchoReply(ref reader, datagram),
            _ => null,
        };
        if (reader.Failed)
        {
            message = null;
        }
        return message is not null;
    }

    /// <summary>The encoded size of <paramref name="message"/>.</summary>
    /// <exception cref="ArgumentException">The message breaks a limit (string too long, too many addresses, bad length).</exception>
    public static int GetSize(DiscoveryMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        return message switch
        {
            DiscoveryProbe => DiscoveryDefaults.ProbeBytes,
            DiscoveryReply reply => ReplySize(reply),
            EchoRequest request => CheckEchoLength(request.Length, nameof(EchoRequest.Length)),
            EchoReply reply => CheckEchoLength(reply.Length, nameof(EchoReply.Length)),
            _ => throw new ArgumentException($"{message.GetType().Name} is not a discovery message.", nameof(message)),
        };
    }

    /// <summary>Encodes <paramref name="message"/> into <paramref name="destination"/>.</summary>
    /// <returns>The bytes written.</returns>
    /// <exception cref="ArgumentException">The message breaks a limit or the destination is too small.</exception>
    public static int Write(DiscoveryMessage message, Span<byte> destination)
    {
        int size = GetSize(message);
        if (destination.Length < size)
        {
            throw new ArgumentException($"The message needs {size} bytes; the destination holds {destination.Length}.", nameof(destination));
        }
        var span = destination[..size];
        span.Clear();
        var writer = new PayloadWriter(span);
        writer.Bytes(Magic);
        writer.U8(DiscoveryDefaults.FormatVersion);
        writer.U8((byte)message.Type);
        switch (message)
        {
            case DiscoveryProbe probe:
                writer.U64(probe.Nonce);
                break; // The rest stays zero: padding that makes a reply never larger than its probe.
            case DiscoveryReply reply:
                WriteReply(ref writer, reply);
                break;
            case EchoRequest request:
                writer.U64(request.Nonce);
                writer.U32(request.Sequence);
                writer.U32((uint)request.Length);
                writer.U32((uint)request.ReplyLength);
                writer.U8(0);
                FillPattern(span, request.Nonce, request.Sequence);
                break;
            case EchoReply reply:
                writer.U64(reply.Nonce);
                writer.U32(reply.Sequence);
                writer.U32((uint)reply.Length);
                writer.U32((uint)reply.ReceivedLength);
                writer.Bool(reply.RequestIntact);
                FillPattern(span, reply.Nonce, reply.Sequence);
                break;
        }
        return size;
    }

    /// <summary>Encodes <paramref name="message"/> into a new array.</summary>
    /// <exception cref="ArgumentException">The message breaks a limit.</exception>
    public static byte[] ToArray(DiscoveryMessage message)
    {
        var bytes = new byte[GetSize(message)];
        Write(message, bytes);
        return bytes;
    }

    /// <summary>Cuts <paramref name="value"/> to at most <paramref name="maxBytes"/> UTF-8 bytes, at a character boundary.</summary>
    public static string Truncate(string value, int maxBytes)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (Encoding.UTF8.GetByteCount(value) <= maxBytes)
        {
            return value;
        }
        var builder = new StringBuilder();
        int used = 0;
        foreach (var rune in value.EnumerateRunes())
        {
            used += rune.Utf8SequenceLength;
            if (used > maxBytes)
            {
                break;
            }
            builder.Append(rune.ToString());
        }
        return builder.ToString();
    }

    private static DiscoveryProbe? ReadProbe(ref DatagramReader reader, int length)
    {
        if (length < DiscoveryDefaults.ProbeBytes)
        {
            // An unpadded probe could make the reply larger than the request: never answered.
            reader.Fail();
            return null;
        }
        ulong nonce = reader.U64();
        if (reader.Rest.ContainsAnyExcept((byte)0))
        {
            reader.Fail();
        }
        return new DiscoveryProbe(nonce);
    }

    private static DiscoveryReply? ReadReply(ref DatagramReader reader, int length)
    {
        if (length > DiscoveryDefaults.MaxReplyBytes)
        {
            reader.Fail();
            return null;
        }
        ulong nonce = reader.U64();
        var idBytes = reader.Bytes(GuidBytes);
        var instanceId = reader.Failed ? Guid.Empty : new Guid(idBytes, bigEndian: true);
        ushort protocolVersion = reader.U16();
        string appVersion = reader.Str(DiscoveryDefaults.MaxVersionBytes);
        string name = reader.Str(DiscoveryDefaults.MaxNameBytes);
        string mode = reader.Str(DiscoveryDefaults.MaxModeBytes);
        uint users = reader.U32();
        ushort tcpPort = reader.U16();
        ushort udpPort = reader.U16();
        int count = reader.U8();
        if (count > DiscoveryDefaults.MaxAddresses)
        {
            reader.Fail();
        }
        var addresses = new AdvertisedAddress[reader.Failed ? 0 : count];
        for (int i = 0; i < addresses.Length && !reader.Failed; i++)
        {
            byte family = reader.U8();
            int bytes = family switch { 4 => 4, 6 => 16, _ => -1 };
            if (bytes < 0)
            {
                reader.Fail();
                break;
            }
            var raw = reader.Bytes(bytes);
            byte prefix = reader.U8();
            if (reader.Failed || prefix > bytes * 8)
            {
                reader.Fail();
                break;
            }
            addresses[i] = new AdvertisedAddress(new IPAddress(raw), prefix);
        }
        // The key fingerprint came later, and the cluster name after it: a reply may end after the addresses (a server
        // without a key), after the key, or carry the cluster name last (a node of a cluster; its key may be empty).
        string key = !reader.Failed && reader.Remaining > 0 ? reader.Str(DiscoveryDefaults.MaxKeyBytes) : "";
        string cluster = !reader.Failed && reader.Remaining > 0 ? reader.Str(DiscoveryDefaults.MaxClusterBytes) : "";
        if (reader.Remaining != 0 || tcpPort == 0)
        {
            reader.Fail();
        }
        return reader.Failed ? null : new DiscoveryReply(nonce, instanceId, protocolVersion, appVersion, name, mode, users, tcpPort, udpPort, addresses, key, cluster);
    }

    private static EchoRequest? ReadEchoRequest(ref DatagramReader reader, ReadOnlySpan<byte> datagram)
    {
        ulong nonce = reader.U64();
        uint sequence = reader.U32();
        uint declared = reader.U32();
        uint replyLength = reader.U32();
        byte flags = reader.U8();
        if (reader.Failed || flags != 0 || declared is < DiscoveryDefaults.EchoHeaderBytes or > DiscoveryDefaults.MaxDatagramBytes
            || replyLength is < DiscoveryDefaults.EchoHeaderBytes or > DiscoveryDefaults.MaxDatagramBytes)
        {
            reader.Fail();
            return null;
        }
        bool intact = declared == datagram.Length && PatternHolds(datagram, nonce, sequence);
        return new EchoRequest(nonce, sequence, (int)declared, (int)replyLength, intact);
    }

    private static EchoReply? ReadEchoReply(ref DatagramReader reader, ReadOnlySpan<byte> datagram)
    {
        ulong nonce = reader.U64();
        uint sequence = reader.U32();
        uint declared = reader.U32();
        uint received = reader.U32();
        bool requestIntact = reader.Bool();
        if (reader.Failed || declared is < DiscoveryDefaults.EchoHeaderBytes or > DiscoveryDefaults.MaxDatagramBytes
            || received > DiscoveryDefaults.MaxDatagramBytes)
        {
            reader.Fail();
            return null;
        }
        bool intact = declared == datagram.Length && PatternHolds(datagram, nonce, sequence);
        return new EchoReply(nonce, sequence, (int)received, requestIntact, (int)declared, intact);
    }

    private static int ReplySize(DiscoveryReply reply)
    {
        int size = MeasureReply(reply);
        if (size > DiscoveryDefaults.MaxReplyBytes)
        {
            throw new ArgumentException($"A reply fits in {DiscoveryDefaults.MaxReplyBytes} bytes; this one needs {size} (advertise fewer addresses).", nameof(reply));
        }
        return size;
    }

    /// <summary>The encoded size of a reply, which may be over <see cref="DiscoveryDefaults.MaxReplyBytes"/> (then it cannot be sent).</summary>
    /// <exception cref="ArgumentException">The reply breaks a field's limit.</exception>
    public static int MeasureReply(DiscoveryReply reply)
    {
        ArgumentNullException.ThrowIfNull(reply);
        CheckString(reply.AppVersion, DiscoveryDefaults.MaxVersionBytes, nameof(DiscoveryReply.AppVersion));
        CheckString(reply.Name, DiscoveryDefaults.MaxNameBytes, nameof(DiscoveryReply.Name));
        CheckString(reply.Mode, DiscoveryDefaults.MaxModeBytes, nameof(DiscoveryReply.Mode));
        CheckString(reply.KeyFingerprint, DiscoveryDefaults.MaxKeyBytes, nameof(DiscoveryReply.KeyFingerprint));
        CheckString(reply.Cluster, DiscoveryDefaults.MaxClusterBytes, nameof(DiscoveryReply.Cluster));
        if (reply.Addresses.Count > DiscoveryDefaults.MaxAddresses)
        {
            throw new ArgumentException($"A reply carries at most {DiscoveryDefaults.MaxAddresses} addresses; this one has {reply.Addresses.Count}.", nameof(reply));
        }
        if (reply.TcpPort == 0)
        {
            throw new ArgumentException("A reply needs the TCP port clients connect to.", nameof(reply));
        }
        int size = DiscoveryDefaults.HeaderBytes + PayloadSize.U64 + GuidBytes + PayloadSize.U16
            + PayloadSize.Str(reply.AppVersion, DiscoveryDefaults.MaxVersionBytes) + PayloadSize.Str(reply.Name, DiscoveryDefaults.MaxNameBytes) + PayloadSize.Str(reply.Mode, DiscoveryDefaults.MaxModeBytes)
            + PayloadSize.U32 + PayloadSize.U16 + PayloadSize.U16 + PayloadSize.U8
            + (reply.KeyFingerprint.Length == 0 && reply.Cluster.Length == 0 ? 0 : PayloadSize.Str(reply.KeyFingerprint, DiscoveryDefaults.MaxKeyBytes))
            + (reply.Cluster.Length == 0 ? 0 : PayloadSize.Str(reply.Cluster, DiscoveryDefaults.MaxClusterBytes));
        foreach (var address in reply.Addresses)
        {
            int bytes = address.Address.AddressFamily switch
            {
                AddressFamily.InterNetwork => 4,
                AddressFamily.InterNetworkV6 => 16,
                _ => throw new ArgumentException($"{address.Address} is neither IPv4 nor IPv6.", nameof(reply)),
            };
            if (address.PrefixLength > bytes * 8)
            {
                throw new ArgumentException($"Prefix length {address.PrefixLength} is too long for {address.Address}.", nameof(reply));
            }
            size += 1 + bytes + 1;
        }
        return size;
    }

    private static void WriteReply(ref PayloadWriter writer, DiscoveryReply reply)
    {
        writer.U64(reply.Nonce);
        writer.Bytes(reply.InstanceId.ToByteArray(bigEndian: true));
        writer.U16(reply.ProtocolVersion);
        writer.Str(reply.AppVersion);
        writer.Str(reply.Name);
        writer.Str(reply.Mode);
        writer.U32(reply.Users);
        writer.U16(reply.TcpPort);
        writer.U16(reply.UdpPort);
        writer.U8((byte)reply.Addresses.Count);
        foreach (var address in reply.Addresses)
        {
            byte[] raw = address.Address.GetAddressBytes();
            writer.U8(raw.Length == 4 ? (byte)4 : (byte)6);
            writer.Bytes(raw);
            writer.U8(address.PrefixLength);
        }
        if (reply.KeyFingerprint.Length > 0 || reply.Cluster.Length > 0) writer.Str(reply.KeyFingerprint);
        if (reply.Cluster.Length > 0) writer.Str(reply.Cluster);
    }

    private static void CheckString(string value, int maxBytes, string field)
    {
        ArgumentNullException.ThrowIfNull(value, field);
        if (Encoding.UTF8.GetByteCount(value) > maxBytes)
        {
            throw new ArgumentException($"{field} holds at most {maxBytes} UTF-8 bytes; use {nameof(Truncate)}.", field);
        }
    }

    private static int CheckEchoLength(int length, string field)
    {
        if (length is < DiscoveryDefaults.EchoHeaderBytes or > DiscoveryDefaults.MaxDatagramBytes)
        {
            throw new ArgumentException($"An echo datagram is {DiscoveryDefaults.EchoHeaderBytes}..{DiscoveryDefaults.MaxDatagramBytes} bytes; {length} was asked.", field);
        }
        return length;
    }

    // The padding pattern depends on the nonce, the sequence number and the offset, so a truncated,
    // shifted or mixed-up datagram does not verify.
    private static byte PatternByte(ulong seed, int offset) => (byte)((seed >> ((offset & 7) << 3)) ^ (ulong)(offset >> 3));

    private static ulong Seed(ulong nonce, uint sequence) => nonce ^ (sequence * 0x9E3779B97F4A7C15UL);

    private static void FillPattern(Span<byte> datagram, ulong nonce, uint sequence)
    {
        ulong seed = Seed(nonce, sequence);
        for (int i = DiscoveryDefaults.EchoHeaderBytes; i < datagram.Length; i++)
        {
            datagram[i] = PatternByte(seed, i);
        }
    }

    private static bool PatternHolds(ReadOnlySpan<byte> datagram, ulong nonce, uint sequence)
    {
        ulong seed = Seed(nonce, sequence);
        for (int i = DiscoveryDefaults.EchoHeaderBytes; i < datagram.Length; i++)
        {
            if (datagram[i] != PatternByte(seed, i))
            {
                return false;
            }
        }
        return true;
    }
}
