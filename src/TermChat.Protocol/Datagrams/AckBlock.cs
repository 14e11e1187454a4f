using System.Buffers.Binary;

namespace TermChat.Protocol.Datagrams;

/// <summary>
/// The acknowledgement every Packet carries after its packet number (PROTOCOL-DATAGRAMS.md section 5): the next chunk
/// expected in order, the largest packet number received, a bitmap of the 64 numbers below it, and how long the
/// largest one waited for this acknowledgement.
/// </summary>
/// <param name="Cumulative">Every chunk below this sequence number has been received.</param>
/// <param name="Largest">The largest packet number received; 0 = none yet.</param>
/// <param name="Bitmap">Bit i set = packet <c>Largest − 1 − i</c> was received.</param>
/// <param name="DelayMs">Milliseconds between receiving <paramref name="Largest"/> and sending this acknowledgement.</param>
internal readonly record struct AckBlock(uint Cumulative, uint Largest, ulong Bitmap, ushort DelayMs)
{
    private const int Offset = DatagramLimits.HeaderBytes + 4;

    /// <summary>Reads the block of a packet at least <see cref="DatagramLimits.PacketHeaderBytes"/> long.</summary>
    public static AckBlock Read(ReadOnlySpan<byte> packet) => new(
        BinaryPrimitives.ReadUInt32BigEndian(packet[Offset..]),
        BinaryPrimitives.ReadUInt32BigEndian(packet[(Offset + 4)..]),
        BinaryPrimitives.ReadUInt64BigEndian(packet[(Offset + 8)..]),
        BinaryPrimitives.ReadUInt16BigEndian(packet[(Offset + 16)..]));

    /// <summary>Writes the block into its place in a packet's header.</summary>
    public void Write(Span<byte> packet)
    {
        BinaryPrimitives.WriteUInt32BigEndian(packet[Offset..], Cumulative);
        BinaryPrimitives.WriteUInt32BigEndian(packet[(Offset + 4)..], Largest);
        BinaryPrimitives.WriteUInt64BigEndian(packet[(Offset + 8)..], Bitmap);
        BinaryPrimitives.WriteUInt16BigEndian(packet[(Offset + 16)..], DelayMs);
    }

    /// <summary>Whether this block acknowledges packet <paramref name="number"/>.</summary>
    public bool Acknowledges(uint number)
    {
        if (number == Largest)
        {
            return true;
        }
        if (number > Largest)
        {
            return false;
        }
        uint distance = Largest - number;
        return distance <= DatagramLimits.AckBitmapBits && (Bitmap & (1UL << (int)(distance - 1))) != 0;
    }
}
