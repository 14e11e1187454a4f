using System.Buffers.Binary;

namespace TermChat.Protocol.Datagrams;

/// <summary>The 10 bytes every datagram starts with: marker 0xD1, type, 64-bit session id (big-endian).</summary>
public readonly record struct DatagramHeader(DatagramType Type, ulong SessionId)
{
    /// <summary>Parses the common header; false for anything that is not a TermChat datagram of a known type.</summary>
    public static bool TryRead(ReadOnlySpan<byte> datagram, out DatagramHeader header)
    {
        header = default;
        if (datagram.Length < DatagramLimits.HeaderBytes || datagram.Length > DatagramLimits.MaxDatagramBytes || datagram[0] != DatagramLimits.Marker)
        {
            return false;
        }
        var type = (DatagramType)datagram[1];
        if (type is < DatagramType.Initial or > DatagramType.Close)
        {
            return false;
        }
        header = new DatagramHeader(type, BinaryPrimitives.ReadUInt64BigEndian(datagram[2..]));
        return true;
    }

    /// <summary>Writes the header into the first 10 bytes of <paramref name="destination"/>.</summary>
    public void Write(Span<byte> destination)
    {
        destination[0] = DatagramLimits.Marker;
        destination[1] = (byte)Type;
        BinaryPrimitives.WriteUInt64BigEndian(destination[2..], SessionId);
    }
}
