using System.Buffers;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using TermChat.LoadGen.Metrics;
using TermChat.LoadGen.Net;
using TermChat.LoadGen.Reporting;
using TermChat.LoadGen.Scheduling;
using TermChat.LoadGen.Targets;

namespace TermChat.LoadGen.Scenarios;

/// <summary>
/// One message outstanding: a sender puts a message in the room, a second client in the room receives
/// it, and only then is the next one sent. For the echo target one connection sends and receives. The
/// loop runs on one thread with blocking sockets, the lowest-overhead way to wait for one reply.
/// </summary>
public sealed class PingPongScenario
{
    private readonly BenchTarget _target;
    private readonly EndPoint _endpoint;
    private readonly int _count;
    private readonly int _warmup;
    private readonly int _textBytes;
    private readonly bool _progress;
    private readonly int? _serverPid;

    /// <summary>Creates the scenario: <paramref name="count"/> timed round trips after <paramref name="warmup"/> untimed ones.</summary>
    public PingPongScenario(BenchTarget target, EndPoint endpoint, int count, int warmup, int textBytes, bool progress, int? serverPid = null)
    {
        _serverPid = serverPid;
        _target = target;
        _endpoint = endpoint;
        _count = count;
        _warmup = warmup;
        _textBytes = textBytes;
        _progress = progress;
    }

    /// <summary>Connects, runs the round trips, disconnects.</summary>
    public async Task<PingPongResult> RunAsync(CancellationToken cancellationToken)
    {
        if (_serverPid is int pid) await IdleWait.UntilIdleAsync(pid, 0.1, TimeSpan.FromSeconds(30), cancellationToken).ConfigureAwait(false);
        var names = new ClientNames();
        BenchConnection? receiver = null;
        var sender = await Task.Run(() => _target.Connect(_endpoint, names.For('p', 0), _target.Relays ? ConnectRole.Publisher : ConnectRole.Subscriber, cancellationToken), cancellationToken).ConfigureAwait(false);
        try
        {
            receiver = _target.Relays
                ? await Task.Run(() => _target.Connect(_endpoint, names.For('s', 0), ConnectRole.Subscriber, cancellationToken), cancellationToken).ConfigureAwait(false)
                : sender;
            await Task.Delay(200, cancellationToken).ConfigureAwait(false);
            var loop = new Loop(_target, sender, receiver, _textBytes, cancellationToken);
            using (ProgressLine.ForStderr(_progress, () => $"pingpong {_target.Name}: {loop.Done:N0}/{_count + _warmup:N0} round trips"))
            {
                var thread = new Thread(() => loop.Run(_warmup, _count)) { IsBackground = true, Name = "pingpong" };
                thread.Start();
                await loop.Completion.WaitAsync(cancellationToken).ConfigureAwait(false);
            }
            return new PingPongResult(_target.Name, loop.Histogram.Count, loop.Seconds > 0 ? loop.Histogram.Count / loop.Seconds : 0,
                LatencySummary.FromNanoseconds(loop.Histogram), loop.Failure);
        }
        finally
        {
            sender.Dispose();
            receiver?.Dispose();
        }
    }

    private sealed class Loop : IProbeSink
    {
        private readonly BenchTarget _target;
        private readonly BenchConnection _sender;
        private readonly BenchConnection _receiver;
        private readonly int _textBytes;
        private readonly CancellationToken _cancellationToken;
        private readonly TaskCompletionSource _done = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private long _waitingFor = -1;
        private bool _arrived;
        private int _done2;

        public Loop(BenchTarget target, BenchConnection sender, BenchConnection receiver, int textBytes, CancellationToken cancellationToken)
        {
            _target = target;
            _sender = sender;
            _receiver = receiver;
            _textBytes = textBytes;
            _cancellationToken = cancellationToken;
        }

        public LatencyHistogram Histogram { get; } = new();

        public double Seconds { get; private set; }

        public string? Failure { get; set; }

        public int Done => Volatile.Read(ref _done2);

        public Task Completion => _done.Task;

        public void OnText(ReadOnlySpan<byte> text)
        {
            if (ProbeText.TryRead(text, out _, out long sequence, out _) && sequence == _waitingFor) _arrived = true;
        }

        public void Run(int warmup, int count)
        {
            var receiverScanner = _target.CreateScanner();
            var senderScanner = _target.CreateScanner();
            var replies = new ArrayBufferWriter<byte>(64);
            var ignore = new Receiver(long.MaxValue, count: false);
            var message = new byte[_target.MaxMessageBytes(_textBytes)];
            Span<byte> text = stackalloc byte[_textBytes];
            double nanosPerTick = 1e9 / Stopwatch.Frequency;
            long began = 0;
            // No socket timeout (it would route every receive through .NET's epoll thread): a timer aborts
            // the sockets if no round trip completes for ten seconds.
            int seen = -1;
            long stalledSince = Stopwatch.GetTimestamp();
            using var watchdog = new Timer(_ =>
            {
                int done = Done;
                if (done != seen)
                {
                    seen = done;
                    stalledSince = Stopwatch.GetTimestamp();
                }
                else if (Stopwatch.GetElapsedTime(stalledSince) > TimeSpan.FromSeconds(10))
                {
                    Failure ??= "no reply for 10 s";
                    _sender.Abort();
                    _receiver.Abort();
                }
            }, null, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));
            try
            {
                for (int i = 0; i < warmup + count && !_cancellationToken.IsCancellationRequested; i++)
                {
                    if (i == warmup) began = Stopwatch.GetTimestamp();
                    long sentAt = Stopwatch.GetTimestamp();
                    ProbeText.Write(text, 0, i, sentAt);
                    int length = _target.WriteMessage(message, text);
                    _waitingFor = i;
                    _arrived = false;
                    _sender.Send(message.AsSpan(0, length));
                    while (true)
                    {
                        _receiver.Start += receiverScanner.Scan(_receiver.Unread, this, replies);
                        if (replies.WrittenCount > 0)
                        {
                            _receiver.Send(replies.WrittenSpan);
                            replies.ResetWrittenCount();
                        }
                        if (_arrived) break;
                        if (!_receiver.Fill()) throw new EndOfStreamException("The server closed the connection.");
                    }
                    long rtt = Stopwatch.GetTimestamp() - sentAt;
                    if (i >= warmup) Histogram.Record((long)(rtt * nanosPerTick));
                    Volatile.Write(ref _done2, i + 1);
                    // A sender that receives its own room messages must drain them, outside the timed part.
                    if (!ReferenceEquals(_sender, _receiver) && _target.EchoesToSender && (i & 31) == 31) Drain(senderScanner, ignore, replies);
                }
                Seconds = Stopwatch.GetElapsedTime(began).TotalSeconds;
            }
            catch (Exception exception) when (exception is SocketException or IOException or ObjectDisposedException or InvalidDataException)
            {
                Failure ??= receiverScanner.LastError ?? senderScanner.LastError ?? exception.Message;
                Seconds = began == 0 ? 0 : Stopwatch.GetElapsedTime(began).TotalSeconds;
            }
            finally
            {
                _done.TrySetResult();
            }
        }

        private void Drain(IStreamScanner scanner, Receiver ignore, ArrayBufferWriter<byte> replies)
        {
            while (_sender.Socket.Available > 0)
            {
                _sender.Fill();
                _sender.Start += scanner.Scan(_sender.Unread, ignore, replies);
            }
            if (replies.WrittenCount > 0)
            {
                _sender.Send(replies.WrittenSpan);
                replies.ResetWrittenCount();
            }
        }
    }
}
