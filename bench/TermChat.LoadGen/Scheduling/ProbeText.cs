namespace TermChat.LoadGen.Scheduling;

/// <summary>
/// The text every benchmark message carries: <c>B</c>, the publisher (4 hex digits), the sequence number
/// (12 hex digits) and the scheduled send time in Stopwatch ticks (16 hex digits), padded with '.' to the
/// requested size. Hex ASCII without spaces or colons survives every target's framing unchanged (TermChat
/// text, IRC trailing parameter, NATS payload, a chat relay's "&lt;user&gt; " prefix).
/// </summary>
public static class ProbeText
{
    /// <summary>The smallest text that holds the fields.</summary>
    public const int MinBytes = 1 + 4 + 12 + 16;

    /// <summary>
    /// The text a publisher repeats before the clock starts until every subscriber has seen it: proof that
    /// the server has registered every subscription (a relay may accept and announce clients lazily).
    /// </summary>
    public static ReadOnlySpan<byte> Sync => "SYNC"u8;

    /// <summary>Writes the probe into <paramref name="destination"/>, which must be the full text size.</summary>
    public static void Write(Span<byte> destination, int publisher, long sequence, long scheduledTicks)
    {
        if (destination.Length < MinBytes) throw new ArgumentException($"A probe needs at least {MinBytes} bytes.", nameof(destination));
        destination[0] = (byte)'B';
        WriteHex(destination.Slice(1, 4), (ulong)publisher);
        WriteHex(destination.Slice(5, 12), (ulong)sequence);
        WriteHex(destination.Slice(17, 16), (ulong)scheduledTicks);
        destination[MinBytes..].Fill((byte)'.');
    }

    /// <summary>Reads a probe; false if <paramref name="text"/> is not one (another client's chatter).</summary>
    public static bool TryRead(ReadOnlySpan<byte> text, out int publisher, out long sequence, out long scheduledTicks)
    {
        publisher = 0;
        sequence = 0;
        scheduledTicks = 0;
        if (text.Length < MinBytes || text[0] != (byte)'B') return false;
        if (!TryHex(text.Slice(1, 4), out ulong p) || !TryHex(text.Slice(5, 12), out ulong s) || !TryHex(text.Slice(17, 16), out ulong t))
        {
            return false;
        }
        publisher = (int)p;
        sequence = (long)s;
        scheduledTicks = (long)t;
        return true;
    }

    private static void WriteHex(Span<byte> destination, ulong value)
    {
        for (int i = destination.Length - 1; i >= 0; i--)
        {
            destination[i] = (byte)"0123456789abcdef"[(int)(value & 0xF)];
            value >>= 4;
        }
    }

    private static bool TryHex(ReadOnlySpan<byte> digits, out ulong value)
    {
        value = 0;
        foreach (byte b in digits)
        {
            int d = b switch
            {
                >= (byte)'0' and <= (byte)'9' => b - '0',
                >= (byte)'a' and <= (byte)'f' => b - 'a' + 10,
                _ => -1,
            };
            if (d < 0) return false;
            value = (value << 4) | (uint)d;
        }
        return true;
    }
}
