using System.Buffers.Binary;

namespace TermChat.Protocol.Datagrams;

/// <summary>
/// The receive side of a <see cref="ReliableSession"/>: checks a packet's frames, hands its chunks to the
/// <see cref="Reassembler"/>, tracks the packet numbers received (<see cref="ReceivedPackets"/>) and builds the
/// acknowledgement that the next packet out carries. Sans-IO like the session.
/// </summary>
internal sealed class ReceiveWindow
{
    private readonly ReceivedPackets _packets;
    private readonly Reassembler _reassembler;

    public ReceiveWindow(DatagramOptions options)
    {
        _packets = new ReceivedPackets(options);
        _reassembler = new Reassembler(options);
    }

    /// <summary>Packets accepted from the peer.</summary>
    public long PacketsReceived { get; private set; }

    public long Duplicates => _reassembler.Duplicates;

    public long MessagesDelivered => _reassembler.MessagesDelivered;

    /// <summary>When the pending acknowledgement must go out; <see cref="long.MaxValue"/> when none is pending.</summary>
    public long AckDeadlineMs => _packets.AckDeadlineMs;

    /// <summary>Whether an acknowledgement must go out now, even in a packet with nothing else in it.</summary>
    public bool AckDue(long nowMs) => _packets.AckDue(nowMs);

    /// <summary>Takes the next message delivered in order.</summary>
    public bool TryReceive(out byte[] message) => _reassembler.TryDequeue(out message);

    /// <summary>
    /// First pass over a packet's frames, before anything is acted on: every frame is a ping or a non-empty chunk
    /// that fits the packet and the receive window, so that a malformed packet is ignored whole.
    /// </summary>
    /// <returns>Whether the frames are valid; <paramref name="ackEliciting"/> says whether there is any.</returns>
    public bool CheckFrames(ReadOnlySpan<byte> packet, out bool ackEliciting)
    {
        ackEliciting = false;
        int position = DatagramLimits.PacketHeaderBytes;
        while (position < packet.Length)
        {
            var kind = (FrameKind)packet[position];
            if (kind == FrameKind.Ping)
            {
                ackEliciting = true;
                position++;
                continue;
            }
            if (kind is not (FrameKind.Data or FrameKind.DataEnd) || position + DatagramLimits.ChunkHeaderBytes > packet.Length)
            {
                return false;
            }
            uint seq = BinaryPrimitives.ReadUInt32BigEndian(packet[(position + 1)..]);
            int length = BinaryPrimitives.ReadUInt16BigEndian(packet[(position + 5)..]);
            position += DatagramLimits.ChunkHeaderBytes;
            if (length == 0 || length > packet.Length - position || !_reassembler.InWindow(seq))
            {
                return false;
            }
            position += length;
            ackEliciting = true;
        }
        return true;
    }

    /// <summary>
    /// Takes the chunks of a packet that passed <see cref="CheckFrames"/> and records its number for the next
    /// acknowledgement.
    /// </summary>
    /// <returns>False when a chunk made a message larger than the incoming limit: a protocol violation.</returns>
    public bool Accept(ReadOnlySpan<byte> packet, uint number, bool ackEliciting, long nowMs)
    {
        PacketsReceived++;
        bool complete = true;
        int position = DatagramLimits.PacketHeaderBytes;
        while (position < packet.Length)
        {
            var kind = (FrameKind)packet[position];
            if (kind == FrameKind.Ping)
            {
                position++;
                continue;
            }
            uint seq = BinaryPrimitives.ReadUInt32BigEndian(packet[(position + 1)..]);
            int length = BinaryPrimitives.ReadUInt16BigEndian(packet[(position + 5)..]);
            position += DatagramLimits.ChunkHeaderBytes;
            switch (_reassembler.Accept(seq, packet.Slice(position, length), kind == FrameKind.DataEnd))
            {
                case ChunkOutcome.NoRoom:
                    complete = false;
                    break;
                case ChunkOutcome.TooLarge:
                    return false;
            }
            position += length;
        }
        // A packet whose chunks were not all kept must not be acknowledged by number: the sender will declare it
        // lost and resend what is missing. The cumulative ack still reports what was delivered in order.
        _packets.Record(number, ackEliciting, nowMs, acknowledge: complete);
        return true;
    }

    /// <summary>The acknowledgement for the packet being sent now; the pending one is then no longer due.</summary>
    public AckBlock TakeAck(long nowMs)
    {
        long delay = _packets.Largest == 0 ? 0 : nowMs - _packets.LargestReceivedMs;
        var ack = new AckBlock(_reassembler.Next, _packets.Largest, _packets.Bitmap, (ushort)Math.Clamp(delay, 0, ushort.MaxValue));
        _packets.OnAckSent();
        return ack;
    }
}
