using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using TermChat.Protocol;
using TermChat.Protocol.Security;
using TermChat.Server.Wire;

namespace TermChat.Server.Connections;

/// <summary>
/// What every TCP connection shares across modes and protocols: the bounded outbox, the close protocol (final
/// message, drain, deadline), deciding from the first byte whether the peer speaks TLS or plaintext (and whether
/// plaintext is allowed), and handing received bytes to its <see cref="IStreamHandler"/>. Modes only move bytes,
/// through TLS or not.
/// </summary>
internal abstract class TcpLink : IClientLink
{
    // A slow consumer has already shown it does not read: its Error gets a short chance only.
    private static readonly TimeSpan SlowConsumerDrain = TimeSpan.FromSeconds(1);

    private readonly ServerContext _context;
    private int _closing;
    private int _finished;
    private int _kind;
    private volatile bool _outputEnded;
    private volatile bool _deadlinePassed;
    private volatile bool _closeAwaitsFirstByte;
    private volatile bool _firstByteWaitOver;
    private string _closeDetail = "connection closed";
    private ITimer? _deadline;
    private ITimer? _firstByteWait;

    /// <param name="socket">The accepted socket.</param>
    /// <param name="context">What every connection of the server shares.</param>
    /// <param name="handler">What the connection speaks (from its <see cref="StreamListener"/>).</param>
    protected TcpLink(Socket socket, ServerContext context, Func<TcpLink, IStreamHandler> handler)
    {
        Socket = socket;
        _context = context;
        Id = WireFrontEnd.NextLinkId();
        Remote = RemoteOf(socket);
        Outbox = new Outbox(context.Options.MaxSendQueueBytes);
        socket.NoDelay = true;
        Handler = handler(this);
    }

    public long Id { get; }

    public EndPoint Remote { get; }

    public string Transport => "tcp";

    /// <summary>
    /// The fingerprint of the client's key (its TLS certificate), known once the TLS handshake is done and before any
    /// frame is handled; <see langword="null"/> for plaintext or a TLS client without a certificate.
    /// </summary>
    public string? KeyFingerprint { get; private set; }

    /// <summary>What the connection speaks; <see cref="StreamKind.Undecided"/> until its first byte.</summary>
    protected StreamKind Kind => (StreamKind)Volatile.Read(ref _kind);

    protected Socket Socket { get; }

    protected Outbox Outbox { get; }

    protected ServerContext Context => _context;

    /// <summary>The front end's side of the connection.</summary>
    private IStreamHandler Handler { get; }

    /// <summary>Whether a close has begun (server side or peer side); no further frames are handled.</summary>
    public bool IsClosing => Volatile.Read(ref _closing) != 0;

    /// <summary>
    /// Whether a close has begun and everything it sends is queued (the final Error or Bye, if any): once the
    /// outbox is empty, the writer is done. Writers test this rather than <see cref="IsClosing"/>, which is set
    /// first, while the final frame may still be on its way into the outbox from another thread.
    /// </summary>
    public bool OutputEnded => _outputEnded;

    /// <summary>Why the connection ends, for stats.</summary>
    public DisconnectReason Reason { get; private set; } = DisconnectReason.PeerClosed;

    /// <summary>Whether the close deadline passed and the writer must give up on the peer (set on a timer thread).</summary>
    public bool DeadlinePassed => _deadlinePassed;

    /// <summary>After the final frame, how long to wait for the peer to close (on <see cref="Clock"/>).</summary>
    protected TimeSpan Linger => _context.Options.CloseLinger;

    /// <summary>The server's clock: every close timer (drain deadline, linger) runs on it, in every mode.</summary>
    protected TimeProvider Clock => _context.Options.TimeProvider;

    /// <summary>
    /// Whether the writer, having sent everything, should shut down its sending side (FIN) before the linger: not
    /// when the peer is gone, nor after the drain deadline (the socket is being torn down).
    /// </summary>
    protected bool ShouldShutDownSend => Reason != DisconnectReason.PeerClosed && !DeadlinePassed;

    public bool TryEnqueue(ReadOnlyMemory<byte> frame)
    {
        if (IsClosing) return false;
        if (!Outbox.TryAdd(frame, out long depth))
        {
            _context.Stats.SlowConsumer();
            Log.SlowConsumer(_context.Logger, Id, Remote.ToString() ?? "?", _context.Options.MaxSendQueueBytes);
            BeginClose(ErrorCode.SendQueueExceeded,
                $"Your send queue passed {_context.Options.MaxSendQueueBytes} bytes because you stopped reading; disconnecting.",
                discardQueued: true);
            return false;
        }
        _context.Stats.SendQueueDepth(depth);
        OnOutputQueued();
        return true;
    }

    public void Close(ErrorCode? code, string reason) => BeginClose(code, reason, discardQueued: false);

    /// <summary>Admits the connection to the hub; a refused one is already closing with its reason.</summary>
    protected bool Admit()
    {
        _context.Stats.ConnectionOpened();
        Log.Accepted(_context.Logger, Id, Remote);
        return Handler.Admit();
    }

    /// <summary>
    /// Decides what the connection speaks from its first byte (-1: the peer closed before sending one). Plaintext the
    /// policy does not allow is closed at once with <see cref="ErrorCode.EncryptionRequired"/>, sent in plaintext,
    /// which is what that client reads. Only the first decision counts (see <see cref="DecideForOutput"/>).
    /// </summary>
    protected StreamKind Decide(int first)
    {
        var kind = first >= 0 && TlsRecord.StartsTls((byte)first) ? StreamKind.Tls : StreamKind.Plaintext;
        if (Interlocked.CompareExchange(ref _kind, (int)kind, (int)StreamKind.Undecided) != (int)StreamKind.Undecided)
        {
            return Kind;
        }
        // A refusal held for this byte can go now (after the handshake, for TLS).
        if (_closeAwaitsFirstByte) OnOutputQueued();
        if (kind == StreamKind.Plaintext && first >= 0 && !_context.Tls.PermitsPlaintext(Remote))
        {
            Log.PlaintextRefused(_context.Logger, Id, Remote);
            Close(ErrorCode.EncryptionRequired,
                "This server accepts only encrypted (TLS) connections from your address; connect with TLS.");
        }
        return kind;
    }

    /// <summary>
    /// Output is ready before the peer sent anything (a line-mode prompt; a close because a silent client timed out or
    /// the server is full or shutting down, to a line-mode peer): it goes out in plaintext, since a TLS client would have
    /// spoken first. A refusal that waits for the first byte (<see cref="CloseAwaitsFirstByte"/>) decides nothing here.
    /// Returns what was decided (TLS when the first byte had already said so).
    /// </summary>
    protected StreamKind DecideForOutput()
    {
        if (AwaitsFirstByte) return Kind;
        Interlocked.CompareExchange(ref _kind, (int)StreamKind.Plaintext, (int)StreamKind.Undecided);
        return Kind;
    }

    /// <summary>
    /// A refusal (server full, too many connections from the address, shutting down) was queued before the first byte
    /// of a peer that speaks first: it waits for that byte a short while (<see cref="FirstByteWait"/>), so that a TLS
    /// client, which sends its ClientHello at once, gets the refusal after the handshake, inside TLS, where it can read
    /// it; a plaintext client gets it in plaintext, and a silent peer in plaintext once the wait is over, as before.
    /// </summary>
    protected bool CloseAwaitsFirstByte => _closeAwaitsFirstByte;

    /// <summary>Whether output is held back for the first byte (see <see cref="CloseAwaitsFirstByte"/>), which has not come yet.</summary>
    protected bool AwaitsFirstByte => _closeAwaitsFirstByte && !_firstByteWaitOver && Kind == StreamKind.Undecided;

    // Long enough for a ClientHello on any network a chat is used over, short of the close deadline it runs inside.
    private TimeSpan FirstByteWait => TimeSpan.FromTicks(Math.Min(TimeSpan.FromSeconds(1).Ticks, _context.Options.ShutdownDrain.Ticks / 2));

    private void EndFirstByteWait()
    {
        _firstByteWaitOver = true;
        DecideForOutput();
        OnOutputQueued();
    }

    /// <summary>Handshake settings for this connection's TLS.</summary>
    protected SslServerAuthenticationOptions TlsOptions() => _context.Tls.Options();

    /// <summary>The TLS handshake completed: the client's key fingerprint is known from here on.</summary>
    protected void TlsEstablished(SslStream tls)
    {
        KeyFingerprint = tls.RemoteCertificate is { } certificate ? Protocol.Security.KeyFingerprint.Of(certificate) : null;
        _context.Stats.TlsHandshakeCompleted();
        Log.TlsEstablished(_context.Logger, Id, Remote, tls.SslProtocol, KeyFingerprint ?? "none");
    }

    /// <summary>The TLS handshake or a TLS record failed: the connection ends without another frame.</summary>
    protected void TlsFailed(Exception exception)
    {
        _context.Stats.TlsHandshakeFailed();
        Log.TlsFailed(_context.Logger, Id, Remote, exception.Message);
        PeerGone("TLS failed");
    }

    /// <summary>Hands every complete frame or line in <paramref name="buffer"/> to the front end, in order.</summary>
    protected InputResult ProcessInput(ReceiveBuffer buffer, out TimeSpan retryAfter)
    {
        retryAfter = TimeSpan.Zero;
        return IsClosing ? InputResult.Closing : Handler.Process(buffer, out retryAfter);
    }

    /// <summary>
    /// The peer ended its side of the stream (a zero-byte read); the mode reads no more. What is left in
    /// <paramref name="buffer"/> may be a violation (a TermChat frame cut short, PROTOCOL.md section 1, rule 4),
    /// answered by the handler because a half-closed peer can still read. Otherwise the
    /// connection ends without another frame, unless a close of ours is already under way: its final frame
    /// still goes out, and the mode keeps sending until it has.
    /// </summary>
    protected void PeerFinished(ReceiveBuffer buffer)
    {
        if (IsClosing) return;
        if (Handler.InputEnded(buffer)) PeerGone("connection closed");
    }

    /// <summary>The peer broke its protocol: counted, logged, and the connection closes with <paramref name="code"/>.</summary>
    public void ProtocolViolation(ErrorCode code, string message)
    {
        _context.Stats.ProtocolError();
        Log.ProtocolViolation(_context.Logger, Id, Remote, code, message);
        BeginClose(code, message, discardQueued: false);
    }

    /// <summary>The peer closed or the socket failed: stop without sending anything more.</summary>
    protected void PeerGone(string detail)
    {
        if (Interlocked.Exchange(ref _closing, 1) != 0) return;
        _closeDetail = detail;
        Reason = DisconnectReason.PeerClosed;
        Outbox.Clear();
        _outputEnded = true;
        OnClosing();
    }

    private void BeginClose(ErrorCode? code, string reason, bool discardQueued)
    {
        if (Interlocked.Exchange(ref _closing, 1) != 0) return;
        Reason = DisconnectReasons.For(code);
        _closeDetail = code switch
        {
            ErrorCode.SendQueueExceeded => "send queue exceeded",
            ErrorCode.IdleTimeout => "ping timeout",
            null => reason,
            _ => reason,
        };
        if (discardQueued) Outbox.Clear();
        if (code is ErrorCode.ServerFull or ErrorCode.TooManyConnections or ErrorCode.ServerShutdown
            && Kind == StreamKind.Undecided && Handler.PeerSpeaksFirst)
        {
            _closeAwaitsFirstByte = true;
            _firstByteWait = Clock.CreateTimer(_ => EndFirstByteWait(), null, FirstByteWait, Timeout.InfiniteTimeSpan);
        }
        Outbox.ForceAdd(Handler.Farewell(code, reason));
        _outputEnded = true;
        // A peer that does not read cannot hold the connection open: after the deadline the writer gives up.
        var drain = discardQueued ? SlowConsumerDrain : _context.Options.ShutdownDrain;
        _deadline = Clock.CreateTimer(_ => { _deadlinePassed = true; OnDeadline(); }, null, drain, Timeout.InfiniteTimeSpan);
        OnOutputQueued();
        OnClosing();
    }

    /// <summary>Reports the end to the hub and the stats; runs once, from the mode's own thread.</summary>
    protected void Finish()
    {
        if (Interlocked.Exchange(ref _finished, 1) != 0) return;
        Interlocked.Exchange(ref _closing, 1);
        _outputEnded = true;
        _deadline?.Dispose();
        _firstByteWait?.Dispose();
        _context.Stats.ConnectionClosed(Reason);
        Handler.Disconnected(_closeDetail);
        Log.Closed(_context.Logger, Id, Reason, _closeDetail);
        try
        {
            Socket.Dispose();
        }
        catch (ObjectDisposedException)
        {
        }
    }

    /// <summary>Output was queued: wake the writer (from any thread).</summary>
    protected abstract void OnOutputQueued();

    /// <summary>A close began; the mode may need to wake its reader or loop.</summary>
    protected virtual void OnClosing()
    {
    }

    /// <summary>The drain deadline passed: abort the socket's pending operations (from a timer thread).</summary>
    protected abstract void OnDeadline();

    /// <summary>Logs an unexpected failure of this connection's I/O code and ends only this connection.</summary>
    protected void Failed(Exception exception)
    {
        Log.LoopFailed(_context.Logger, exception, $"connection {Id}");
        PeerGone("internal error");
    }

    private static EndPoint RemoteOf(Socket socket)
    {
        try
        {
            return socket.RemoteEndPoint ?? new IPEndPoint(IPAddress.None, 0);
        }
        catch (SocketException)
        {
            // Reset between accept and here; the first read will say so.
            return new IPEndPoint(IPAddress.None, 0);
        }
    }
}
