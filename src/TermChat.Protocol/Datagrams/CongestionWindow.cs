namespace TermChat.Protocol.Datagrams;

/// <summary>
/// AIMD in packets: slow start (+1 per acked packet) up to the threshold, then +1 per window of acked packets;
/// a loss halves the window once per round trip (losses of packets sent before the last reduction do not count again);
/// a retransmission timeout drops it to the minimum.
/// </summary>
internal sealed class CongestionWindow
{
    private readonly DatagramOptions _options;
    private int _ssthresh = int.MaxValue;
    private long _recoveryStartMs = long.MinValue;
    private int _window;
    private int _ackedThisWindow;

    public CongestionWindow(DatagramOptions options)
    {
        _options = options;
        _window = Math.Clamp(options.InitialWindowPackets, options.MinWindowPackets, options.MaxWindowPackets);
    }

    public int Packets => _window;

    public void OnAcked(long sentMs)
    {
        if (sentMs <= _recoveryStartMs)
        {
            return;
        }
        if (_window < _ssthresh)
        {
            _window++;
        }
        else if (++_ackedThisWindow >= _window)
        {
            _ackedThisWindow = 0;
            _window++;
        }
        _window = Math.Min(_window, _options.MaxWindowPackets);
    }

    public void OnLost(long sentMs, long nowMs)
    {
        if (sentMs <= _recoveryStartMs)
        {
            return;
        }
        _recoveryStartMs = nowMs;
        _window = Math.Max(_window / 2, _options.MinWindowPackets);
        _ssthresh = _window;
        _ackedThisWindow = 0;
    }

    public void OnTimeout(long nowMs)
    {
        _recoveryStartMs = nowMs;
        _ssthresh = Math.Max(_window / 2, _options.MinWindowPackets);
        _window = _options.MinWindowPackets;
        _ackedThisWindow = 0;
    }
}
