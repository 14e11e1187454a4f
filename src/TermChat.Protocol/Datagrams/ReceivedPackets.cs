namespace TermChat.Protocol.Datagrams;

/// <summary>
/// The packet numbers received from the peer, as the acknowledgement block describes them: the largest one and a
/// 64-bit map of the 64 numbers below it (bit i = largest − 1 − i). Also decides when an acknowledgement is due.
/// </summary>
internal sealed class ReceivedPackets
{
    private readonly DatagramOptions _options;
    private int _unackedEliciting;

    public ReceivedPackets(DatagramOptions options) => _options = options;

    public uint Largest { get; private set; }

    public ulong Bitmap { get; private set; }

    public long LargestReceivedMs { get; private set; }

    /// <summary>When the pending acknowledgement must go out; <see cref="long.MaxValue"/> when none is pending.</summary>
    public long AckDeadlineMs { get; private set; } = long.MaxValue;

    public bool AckDue(long nowMs) => _unackedEliciting >= _options.AckElicitingThreshold || nowMs >= AckDeadlineMs;

    /// <summary>Whether <paramref name="number"/> was already recorded (only known within the bitmap's reach).</summary>
    public bool Contains(uint number)
    {
        if (number == Largest)
        {
            return Largest != 0;
        }
        if (number > Largest)
        {
            return false;
        }
        uint distance = Largest - number;
        return distance <= DatagramLimits.AckBitmapBits && (Bitmap & (1UL << (int)(distance - 1))) != 0;
    }

    /// <summary>
    /// Notes a received packet: with <paramref name="acknowledge"/> its number enters the ack block; an ack-eliciting
    /// packet also brings the next acknowledgement closer either way.
    /// </summary>
    public void Record(uint number, bool ackEliciting, long nowMs, bool acknowledge = true)
    {
        bool outOfOrder = Largest != 0 && number != Largest + 1;
        if (acknowledge)
        {
            Insert(number, nowMs);
        }
        if (ackEliciting)
        {
            // Out of order means a loss or a reordering: tell the sender at once (RFC 9000, 13.2.1).
            _unackedEliciting += outOfOrder ? _options.AckElicitingThreshold : 1;
            if (AckDeadlineMs == long.MaxValue)
            {
                AckDeadlineMs = nowMs + _options.MaxAckDelayMs;
            }
        }
    }

    private void Insert(uint number, long nowMs)
    {
        if (number > Largest)
        {
            uint shift = number - Largest;
            ulong moved = shift >= 64 ? 0 : Bitmap << (int)shift;
            if (Largest != 0 && shift <= 64)
            {
                moved |= 1UL << (int)(shift - 1);
            }
            Bitmap = moved;
            Largest = number;
            LargestReceivedMs = nowMs;
        }
        else if (number < Largest)
        {
            uint distance = Largest - number;
            if (distance <= DatagramLimits.AckBitmapBits)
            {
                Bitmap |= 1UL << (int)(distance - 1);
            }
        }
    }

    /// <summary>An acknowledgement has been sent (alone or riding on a packet).</summary>
    public void OnAckSent()
    {
        _unackedEliciting = 0;
        AckDeadlineMs = long.MaxValue;
    }
}
