using System.Buffers.Binary;

namespace TermChat.Protocol.Tests.Dtls;

/// <summary>DTLS 1.2 records built by hand, for tests of <c>DtlsChannel</c> that do not involve BouncyCastle.</summary>
internal static class HandBuiltRecords
{
    public const byte ChangeCipherSpec = 20;
    public const byte Alert = 21;
    public const byte Handshake = 22;
    public const byte ApplicationData = 23;

    /// <summary>A record: type, version FEFD, epoch, 48-bit sequence number, length, and a payload naming it (<see cref="Name"/>).</summary>
    public static byte[] Record(byte type, ushort epoch, long sequence)
    {
        byte[] payload = System.Text.Encoding.ASCII.GetBytes(Name(type, epoch, sequence));
        var record = new byte[13 + payload.Length];
        record[0] = type;
        record[1] = 0xFE;
        record[2] = 0xFD;
        BinaryPrimitives.WriteUInt16BigEndian(record.AsSpan(3), epoch);
        BinaryPrimitives.WriteUInt16BigEndian(record.AsSpan(5), (ushort)(sequence >> 32));
        BinaryPrimitives.WriteUInt32BigEndian(record.AsSpan(7), (uint)sequence);
        BinaryPrimitives.WriteUInt16BigEndian(record.AsSpan(11), (ushort)payload.Length);
        payload.CopyTo(record.AsSpan(13));
        return record;
    }

    /// <summary>What <see cref="Record"/> puts in its payload.</summary>
    public static string Name(byte type, ushort epoch, long sequence) => $"{type}/{epoch}/{sequence}";
}
