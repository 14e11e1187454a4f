namespace TermChat.Protocol.Datagrams;

/// <summary>
/// The client's side of the cookie handshake (PROTOCOL-DATAGRAMS.md section 4): an Initial until the Retry comes,
/// then the Connect echoing its cookie until Accept, each resent with a doubling interval, all within the handshake
/// timeout. Also the one RTT sample a handshake can give.
/// </summary>
internal sealed class ClientHandshake
{
    private readonly DatagramOptions _options;
    private readonly long _startMs;
    private HandshakeCookie _cookie;
    private long _nextMs;
    private int _intervalMs;
    private int _connectSends;
    private long _connectFirstSentMs;

    public ClientHandshake(DatagramOptions options, ulong nonce, long nowMs)
    {
        _options = options;
        Nonce = nonce;
        _startMs = nowMs;
        _nextMs = nowMs;
        _intervalMs = options.HandshakeIntervalMs;
    }

    /// <summary>The nonce the Initial carries and the Retry must echo as its session id.</summary>
    public ulong Nonce { get; }

    /// <summary>The next resend, or the handshake timeout if that comes first.</summary>
    public long NextTimerMs => Math.Min(_nextMs, _startMs + _options.HandshakeTimeoutMs);

    public bool TimedOut(long nowMs) => nowMs - _startMs >= _options.HandshakeTimeoutMs;

    /// <summary>The Retry arrived: send the Connect with its cookie at once, at the first interval again.</summary>
    public void OnRetry(HandshakeCookie cookie, long nowMs)
    {
        _cookie = cookie;
        _nextMs = nowMs;
        _intervalMs = _options.HandshakeIntervalMs;
    }

    /// <summary>Writes the Initial (or, once <paramref name="connecting"/>, the Connect) when one is due.</summary>
    /// <returns>Its length, or 0 when nothing is due yet.</returns>
    public int Poll(long nowMs, Span<byte> destination, bool connecting)
    {
        if (nowMs < _nextMs)
        {
            return 0;
        }
        int written;
        if (connecting)
        {
            if (_connectSends++ == 0)
            {
                _connectFirstSentMs = nowMs;
            }
            written = HandshakeCodec.WriteConnect(destination, _cookie);
        }
        else
        {
            written = HandshakeCodec.WriteInitial(destination, Nonce);
        }
        _nextMs = nowMs + _intervalMs;
        _intervalMs = Math.Min(_intervalMs * 2, _options.MaxHandshakeIntervalMs);
        return written;
    }

    /// <summary>
    /// The round trip from Connect to what answered it, at <paramref name="nowMs"/>. Karn: only an unambiguous
    /// exchange (one Connect, one answer) gives a sample; null otherwise.
    /// </summary>
    public long? RttSampleMs(long nowMs) => _connectSends == 1 ? nowMs - _connectFirstSentMs : null;
}
