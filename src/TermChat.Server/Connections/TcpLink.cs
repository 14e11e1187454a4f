using System.Net;
using System.Net.Sockets;
using TermChat.Protocol;
using TermChat.Server.Wire;

namespace TermChat.Server.Connections;

/// <summary>
/// What every TCP connection shares across modes and protocols: the bounded outbox, the close protocol (final
/// message, drain, deadline) and handing received bytes to its <see cref="IStreamHandler"/>. Modes only move bytes.
/// </summary>
internal abstract class TcpLink : IClientLink
{
    // A slow consumer has already shown it does not read: its Error gets a short chance only.
    private static readonly TimeSpan SlowConsumerDrain = TimeSpan.FromSeconds(1);

    private readonly ServerContext _context;
    private int _closing;
    private int _finished;
    private volatile bool _outputEnded;
    private volatile bool _deadlinePassed;
    private string _closeDetail = "connection closed";
    private ITimer? _deadline;

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
