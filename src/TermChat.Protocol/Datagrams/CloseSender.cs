namespace TermChat.Protocol.Datagrams;

/// <summary>
/// What a closed session still sends. Close is not acknowledged: it goes out a few times, and for a short linger any
/// datagram from the peer gets it again (RFC 9000's closing state), so one lost datagram does not leave the peer
/// waiting for the dead-peer timeout.
/// </summary>
internal sealed class CloseSender
{
    private const int Copies = 3;
    private const int LingerMinMs = 150;
    private const int LingerMaxMs = 2000;

    private CloseCode? _code;
    private int _copies;
    private long _lingerUntilMs = long.MinValue;
    private bool _noLinger;

    /// <summary>When <see cref="Poll"/> is due: at once while copies are left, else at the end of the linger.</summary>
    public long NextTimerMs => _copies > 0 ? long.MinValue : _lingerUntilMs == long.MinValue ? long.MaxValue : _lingerUntilMs;

    /// <summary>Whether a datagram from the peer should still get our Close again.</summary>
    public bool Lingering => _lingerUntilMs != long.MinValue;

    /// <summary>
    /// The session closed; <paramref name="code"/> is what to send (null: nothing). A peer declared dead gets one
    /// Close, in case it comes back, and no linger; others get the copies and the linger.
    /// </summary>
    public void Start(CloseCode? code, bool deadPeer)
    {
        _code = code;
        _copies = code is null ? 0 : deadPeer ? 1 : Copies;
        _noLinger = deadPeer;
    }

    /// <summary>A datagram from the peer while lingering: its own Close ends the linger, anything else gets ours again.</summary>
    public void OnPeerDatagram(DatagramType type)
    {
        if (type == DatagramType.Close)
        {
            _lingerUntilMs = long.MinValue;
        }
        else
        {
            _copies = Math.Max(_copies, 1);
        }
    }

    /// <summary>Writes the next copy of the Close, if one is due; the first copy starts the linger (three RTOs, clamped).</summary>
    /// <returns>Its length, or 0.</returns>
    public int Poll(long nowMs, Span<byte> destination, ulong sessionId, int rtoMs)
    {
        if (_copies > 0 && _code is { } code && sessionId != 0)
        {
            if (_lingerUntilMs == long.MinValue && !_noLinger)
            {
                _lingerUntilMs = nowMs + Math.Clamp(3L * rtoMs, LingerMinMs, LingerMaxMs);
            }
            _copies--;
            return HandshakeCodec.WriteClose(destination, sessionId, code);
        }
        _copies = 0;
        if (nowMs >= _lingerUntilMs)
        {
            _lingerUntilMs = long.MinValue;
        }
        return 0;
    }
}
