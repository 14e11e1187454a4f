using TermChat.Protocol;

namespace TermChat.Server;

/// <summary>
/// Lock-free counters shared by the front end, the core and every mode and transport. <see cref="Sample"/> turns the
/// running totals into per-second rates for the stats line and the Stats message.
/// </summary>
public sealed class ServerStats
{
    private static readonly DisconnectReason[] Reasons = Enum.GetValues<DisconnectReason>();
    private static readonly string[] ReasonNames = Reasons.Select(ToSnake).ToArray();

    private readonly long[] _disconnects = new long[Reasons.Length];
    private long _connections;
    private long _accepted;
    private long _framesIn;
    private long _framesOut;
    private long _bytesIn;
    private long _bytesOut;
    private long _floodDelays;
    private long _sendQueuePeak;
    private long _sendQueuePeakEver;
    private long _protocolErrors;
    private long _slowConsumers;
    private long _tlsHandshakes;
    private long _tlsFailures;
    private readonly object _sampleGate = new();
    private long _lastSampleTicks;
    private long _lastFramesIn;
    private long _lastFramesOut;
    private long _lastBytesIn;
    private long _lastBytesOut;

    /// <summary>Open connections (every transport).</summary>
    public long Connections => Interlocked.Read(ref _connections);

    /// <summary>Connections accepted since start.</summary>
    public long Accepted => Interlocked.Read(ref _accepted);

    /// <summary>Frames decoded from clients.</summary>
    public long FramesIn => Interlocked.Read(ref _framesIn);

    /// <summary>Frames queued to clients.</summary>
    public long FramesOut => Interlocked.Read(ref _framesOut);

    /// <summary>Times flood control delayed a client.</summary>
    public long FloodDelays => Interlocked.Read(ref _floodDelays);

    /// <summary>Connections cut off because their send queue passed the bound (counted when it happens).</summary>
    public long SlowConsumers => Interlocked.Read(ref _slowConsumers);

    public void SlowConsumer() => Interlocked.Increment(ref _slowConsumers);

    /// <summary>TLS handshakes completed since start.</summary>
    public long TlsHandshakes => Interlocked.Read(ref _tlsHandshakes);

    /// <summary>TLS connections that failed, in the handshake or later (bad records, a peer that was not TLS after all).</summary>
    public long TlsFailures => Interlocked.Read(ref _tlsFailures);

    public void TlsHandshakeCompleted() => Interlocked.Increment(ref _tlsHandshakes);

    public void TlsHandshakeFailed() => Interlocked.Increment(ref _tlsFailures);

    /// <summary>Connections closed for malformed, oversized or invalid frames.</summary>
    public long ProtocolErrors => Interlocked.Read(ref _protocolErrors);

    /// <summary>The largest send queue seen since start, in bytes.</summary>
    public long SendQueuePeakEver => Interlocked.Read(ref _sendQueuePeakEver);

    /// <summary>The figures of the last <see cref="Sample"/>.</summary>
    public StatsSample LastSample { get; private set; } = new(0, 0, 0, 0, 0);

    /// <summary>Disconnects counted for one reason.</summary>
    public long Disconnects(DisconnectReason reason) => Interlocked.Read(ref _disconnects[(int)reason]);

    public void ConnectionOpened()
    {
        Interlocked.Increment(ref _connections);
        Interlocked.Increment(ref _accepted);
    }

    public void ConnectionClosed(DisconnectReason reason)
    {
        Interlocked.Decrement(ref _connections);
        Interlocked.Increment(ref _disconnects[(int)reason]);
    }

    public void FrameIn(int bytes)
    {
        Interlocked.Increment(ref _framesIn);
        Interlocked.Add(ref _bytesIn, bytes);
    }

    public void FrameOut(int bytes)
    {
        Interlocked.Increment(ref _framesOut);
        Interlocked.Add(ref _bytesOut, bytes);
    }

    /// <summary>Counts <paramref name="frames"/> frames totalling <paramref name="bytes"/> queued at once (a broadcast).</summary>
    public void FrameOut(int frames, long bytes)
    {
        Interlocked.Add(ref _framesOut, frames);
        Interlocked.Add(ref _bytesOut, bytes);
    }


    public void FloodDelayed() => Interlocked.Increment(ref _floodDelays);

    public void ProtocolError() => Interlocked.Increment(ref _protocolErrors);

    /// <summary>Records a send-queue depth; keeps the high-water marks.</summary>
    public void SendQueueDepth(long bytes)
    {
        UpdateMax(ref _sendQueuePeak, bytes);
        UpdateMax(ref _sendQueuePeakEver, bytes);
    }

    /// <summary>Computes rates since the previous sample and resets the interval peak.</summary>
    public StatsSample Sample(long timestampTicks, long ticksPerSecond)
    {
        lock (_sampleGate)
        {
            long framesIn = FramesIn, framesOut = FramesOut, bytesIn = Interlocked.Read(ref _bytesIn), bytesOut = Interlocked.Read(ref _bytesOut);
            double seconds = _lastSampleTicks == 0 ? 0 : (timestampTicks - _lastSampleTicks) / (double)ticksPerSecond;
            StatsSample sample = seconds <= 0
                ? new StatsSample(0, 0, 0, 0, Interlocked.Exchange(ref _sendQueuePeak, 0))
                : new StatsSample(
                    (long)Math.Round((framesIn - _lastFramesIn) / seconds),
                    (long)Math.Round((framesOut - _lastFramesOut) / seconds),
                    (long)Math.Round((bytesIn - _lastBytesIn) / seconds),
                    (long)Math.Round((bytesOut - _lastBytesOut) / seconds),
                    Interlocked.Exchange(ref _sendQueuePeak, 0));
            _lastSampleTicks = timestampTicks;
            _lastFramesIn = framesIn;
            _lastFramesOut = framesOut;
            _lastBytesIn = bytesIn;
            _lastBytesOut = bytesOut;
            LastSample = sample;
            return sample;
        }
    }

    private readonly List<Func<IEnumerable<StatEntry>>> _entrySources = [];

    /// <summary>Adds figures from another part of the server (the UDP transport) to <see cref="ToEntries"/>.</summary>
    public void AddEntrySource(Func<IEnumerable<StatEntry>> source)
    {
        lock (_entrySources) _entrySources.Add(source);
    }

    /// <summary>All figures as named entries, as sent in the Stats message.</summary>
    public List<StatEntry> ToEntries()
    {
        var sample = LastSample;
        var entries = new List<StatEntry>
        {
            new("connections", Connections),
            new("accepted_total", Accepted),
            new("msgs_in_total", FramesIn),
            new("msgs_out_total", FramesOut),
            new("msgs_in_per_s", sample.FramesInPerSecond),
            new("msgs_out_per_s", sample.FramesOutPerSecond),
            new("bytes_in_per_s", sample.BytesInPerSecond),
            new("bytes_out_per_s", sample.BytesOutPerSecond),
            new("sendq_peak_bytes", Math.Max(sample.SendQueuePeak, Interlocked.Read(ref _sendQueuePeak))),
            new("sendq_peak_ever_bytes", SendQueuePeakEver),
            new("flood_delays_total", FloodDelays),
            new("protocol_errors_total", Interlocked.Read(ref _protocolErrors)),
            new("slow_consumers_cut_total", SlowConsumers),
            new("tls_handshakes_total", TlsHandshakes),
            new("tls_failures_total", TlsFailures),
        };
        for (int i = 0; i < Reasons.Length; i++)
        {
            entries.Add(new StatEntry("disconnects_" + ReasonNames[i], Interlocked.Read(ref _disconnects[i])));
        }
        lock (_entrySources)
        {
            foreach (var source in _entrySources) entries.AddRange(source());
        }
        return entries;
    }

    /// <summary>"reason=count" for every reason with a count, for the stats line.</summary>
    public string DisconnectSummary()
    {
        var parts = new List<string>();
        for (int i = 0; i < Reasons.Length; i++)
        {
            long count = Interlocked.Read(ref _disconnects[i]);
            if (count > 0) parts.Add($"{ReasonNames[i]}={count}");
        }
        return parts.Count == 0 ? "none" : string.Join(' ', parts);
    }

    internal static string ToSnake(DisconnectReason reason)
    {
        string name = reason.ToString();
        var chars = new System.Text.StringBuilder(name.Length + 4);
        for (int i = 0; i < name.Length; i++)
        {
            if (char.IsUpper(name[i]) && i > 0) chars.Append('_');
            chars.Append(char.ToLowerInvariant(name[i]));
        }
        return chars.ToString();
    }

    private static void UpdateMax(ref long target, long value)
    {
        long current = Interlocked.Read(ref target);
        while (value > current)
        {
            long seen = Interlocked.CompareExchange(ref target, value, current);
            if (seen == current) return;
            current = seen;
        }
    }
}
