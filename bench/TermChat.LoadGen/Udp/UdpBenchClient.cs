using System.Buffers;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Org.BouncyCastle.Tls;
using TermChat.LoadGen.Scenarios;
using TermChat.LoadGen.Scheduling;
using TermChat.LoadGen.Targets;
using TermChat.Protocol;
using TermChat.Protocol.Codec;
using TermChat.Protocol.Datagrams;
using TermChat.Protocol.Messages;
using TermChat.Protocol.Security;

namespace TermChat.LoadGen.Udp;

/// <summary>
/// One TermChat client over the reliable datagram layer, driven by its own thread: the sans-IO
/// <see cref="ReliableSession"/> from the protocol library does the reliability; this class only moves
/// datagrams between it and a connected UDP socket (poll for readability, no async engine), feeds
/// received frames to a <see cref="TermChatFrameScanner"/> and, for a publisher, queues due messages.
/// With DTLS the handshake runs before the thread starts (BouncyCastle's blocks), and then every datagram is sealed
/// where it is sent and opened where it is received, as the chat client does; the server's key is not checked (the
/// generator only measures).
/// </summary>
internal sealed class UdpBenchClient : IDisposable
{
    private readonly Socket _socket;
    private readonly ReliableSession _session;
    private readonly TermChatFrameScanner _scanner = new();
    private readonly ArrayBufferWriter<byte> _replies = new(64);
    private readonly byte[] _datagram = new byte[DatagramLimits.MaxDatagramBytes + 64];
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly string _nick;
    private volatile bool _stop;
    private Thread? _thread;
    private readonly bool _encrypted;
    private DtlsChannel? _channel;
    private DtlsTransport? _dtls;
    private readonly byte[] _opened = new byte[DtlsRecord.MaxDatagramBytes];
    private readonly ManualResetEventSlim _settled = new();

    /// <summary>One key for every encrypted bench client: the server only sees its fingerprint.</summary>
    private static readonly Lazy<DtlsCredentials> Identity = new(() => new DtlsCredentials(KeyFile.CreateEphemeral()));

    public UdpBenchClient(EndPoint server, string nick, Receiver receiver, bool encrypted = false)
    {
        _nick = nick;
        _encrypted = encrypted;
        Receiver = receiver;
        _socket = new Socket(server.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        _socket.Connect(server);
        // Bursts of hundreds of datagrams must not overflow the kernel queue between two polls.
        _socket.ReceiveBufferSize = 4 * 1024 * 1024;
        _socket.SendBufferSize = 4 * 1024 * 1024;
        _session = ReliableSession.CreateClient(null, _clock.ElapsedMilliseconds);
    }

    public Receiver Receiver { get; }

    /// <summary>True once the server confirmed the room join.</summary>
    public bool Joined { get; private set; }

    /// <summary>
    /// An idle session (the connections scenario): Hello only, no room; woken by its socket and its timers, not every
    /// millisecond as a publisher or subscriber is, so hundreds of them leave the generator's core to the handshakes.
    /// </summary>
    public bool Idle { get; init; }

    /// <summary>True once the server's Welcome arrived.</summary>
    public bool Welcomed { get; private set; }

    /// <summary>The open-loop stream this client publishes, if it is a publisher.</summary>
    public OpenLoopSchedule? Schedule { get; set; }

    public int TextBytes { get; set; } = 48;

    /// <summary>Messages handed to the session (publisher).</summary>
    public long Sent => Volatile.Read(ref _sent);

    private long _sent;

    /// <summary>Set to make a publisher send one sync message on its next turn.</summary>
    public volatile bool SendSync;

    public string? Failure { get; private set; }

    public long Retransmits => _session.Stats.Retransmits;

    public void Start()
    {
        if (_encrypted)
        {
            Handshake();
        }
        QueueFrame(new Hello(ProtocolLimits.Version, _nick, ResumeToken.None, ValueList<RoomCursor>.Empty));
        if (!Idle)
        {
            QueueFrame(new JoinRoom(TermChatTcpTarget.RoomName));
            QueueFrame(new PartRoom("#lobby", ""));
        }
        _thread = new Thread(Run) { IsBackground = true, Name = "bench udp " + _nick, Priority = ThreadPriority.AboveNormal };
        _thread.Start();
    }

    /// <summary>
    /// Waits until the server welcomed this client or the client failed (<see cref="Failure"/>), at most
    /// <paramref name="timeout"/>; true when welcomed.
    /// </summary>
    public bool WaitWelcomed(TimeSpan timeout)
    {
        _settled.Wait(timeout);
        return Welcomed;
    }

    /// <summary>The DTLS handshake on a helper thread, fed from the socket by this one until it ends (10 s at most).</summary>
    private void Handshake()
    {
        var channel = new DtlsChannel(datagram => _socket.Send(datagram), firstSequence: 0);
        var peer = new DtlsClientPeer(DtlsCredentials.NewCrypto(), Identity.Value, _ => true, TimeSpan.FromSeconds(10));
        var handshake = Task.Factory.StartNew(() => new DtlsClientProtocol().Connect(peer, channel),
            CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        try
        {
            while (!handshake.IsCompleted)
            {
                if (_socket.Poll(1000, SelectMode.SelectRead))
                {
                    int read = _socket.Receive(_datagram);
                    channel.Offer(_datagram.AsSpan(0, read));
                }
            }
        }
        catch (SocketException)
        {
            channel.Close();
        }
        _dtls = handshake.GetAwaiter().GetResult();
        channel.NonBlocking = true;
        _channel = channel;
    }

    private void Send(int length)
    {
        if (_dtls is { } dtls)
        {
            dtls.Send(_datagram, 0, length);
        }
        else
        {
            _socket.Send(_datagram.AsSpan(0, length));
        }
    }

    private void Receive(int read, long nowMs)
    {
        if (_channel is not { } channel)
        {
            _session.OnDatagram(_datagram.AsSpan(0, read), nowMs);
            return;
        }
        channel.Offer(_datagram.AsSpan(0, read));
        int length;
        while ((length = channel.OpenNext(_dtls!, _opened)) >= 0)
        {
            _session.OnDatagram(_opened.AsSpan(0, length), nowMs);
        }
    }

    private void QueueFrame(Message message) => _session.TrySend(FrameEncoder.ToArray(message));

    private void Run()
    {
        var target = new TermChatTcpTarget();
        Span<byte> text = stackalloc byte[TextBytes];
        int maxMessage = target.MaxMessageBytes(TextBytes);
        try
        {
            while (!_stop && _session.State != SessionState.Closed)
            {
                long nowMs = _clock.ElapsedMilliseconds;
                if (SendSync)
                {
                    SendSync = false;
                    var sync = new byte[target.MaxMessageBytes(ProbeText.Sync.Length)];
                    target.WriteMessage(sync, ProbeText.Sync);
                    _session.TrySend(sync);
                }
                long waitUs = Idle ? 100_000 : 1000;
                if (Schedule is { } schedule && _sent < schedule.Count)
                {
                    long now = Stopwatch.GetTimestamp();
                    long due = schedule.DueCount(now);
                    while (_sent < due)
                    {
                        ProbeText.Write(text, 0, _sent, schedule.DueTicks(_sent));
                        var frame = new byte[maxMessage];
                        target.WriteMessage(frame, text);
                        // A full send queue is backpressure: the message waits (and its latency grows).
                        if (!_session.TrySend(frame)) break;
                        Volatile.Write(ref _sent, _sent + 1);
                    }
                    if (_sent < schedule.Count) waitUs = Math.Clamp((schedule.DueTicks(_sent) - Stopwatch.GetTimestamp()) * 1_000_000 / Stopwatch.Frequency, 0, 1000);
                }
                int length;
                while ((length = _session.Poll(nowMs, _datagram)) > 0)
                {
                    Send(length);
                }
                long timerUs = (_session.NextTimerMs - _clock.ElapsedMilliseconds) * 1000;
                waitUs = Math.Max(0, Math.Min(waitUs, timerUs));
                if (_socket.Available == 0 && waitUs > 0) _socket.Poll((int)waitUs, SelectMode.SelectRead);
                nowMs = _clock.ElapsedMilliseconds;
                Receiver.NowTicks = Stopwatch.GetTimestamp();
                while (_socket.Available > 0)
                {
                    Receive(_socket.Receive(_datagram), nowMs);
                }
                while (_session.TryReceive(out var message))
                {
                    if (!Joined && FrameDecoder.TryRead(message, ProtocolLimits.MaxFrameBytes, out var decoded, out _))
                    {
                        if (decoded is RoomJoined joined && joined.Room == TermChatTcpTarget.RoomName) Joined = true;
                        else if (decoded is Welcome)
                        {
                            Welcomed = true;
                            _settled.Set();
                        }
                        else if (decoded is Error error) Failure ??= $"{error.Code}: {error.Text}";
                    }
                    _scanner.Scan(message, Receiver, _replies);
                    if (_replies.WrittenCount > 0)
                    {
                        _session.TrySend(_replies.WrittenSpan.ToArray());
                        _replies.ResetWrittenCount();
                    }
                }
            }
            if (_session.State == SessionState.Closed && !_stop)
            {
                Failure ??= $"the session closed: {_session.CloseReason} {_scanner.LastError}".TrimEnd();
            }
            // Say goodbye, so the server frees the session now rather than when it finds the peer dead (15 s later,
            // inflating the next run's memory baseline).
            _session.Close(CloseCode.Normal, flush: false);
            int goodbye;
            while ((goodbye = _session.Poll(_clock.ElapsedMilliseconds, _datagram)) > 0)
            {
                Send(goodbye);
            }
        }
        catch (Exception exception) when (exception is SocketException or ObjectDisposedException or ProtocolException or InvalidDataException or IOException)
        {
            Failure ??= exception.Message;
        }
        finally
        {
            _settled.Set();
        }
    }

    public void Dispose()
    {
        _stop = true;
        _thread?.Join(TimeSpan.FromSeconds(5));
        _socket.Dispose();
        _settled.Dispose();
    }
}
