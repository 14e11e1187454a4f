using System.Diagnostics;
using System.Net.Sockets;
using TermChat.LoadGen.Net;
using TermChat.LoadGen.Scheduling;
using TermChat.LoadGen.Targets;

namespace TermChat.LoadGen.Scenarios;

/// <summary>
/// One open-loop publisher on its own thread: wakes, writes every due message into one buffer (each
/// stamped with its scheduled time), sends it with one blocking write, and sleeps until the next is due.
/// </summary>
internal sealed class PublisherThread
{
    private const int BatchBytes = 64 * 1024;

    private readonly BenchTarget _target;
    private readonly BenchConnection _connection;
    private readonly int _publisher;
    private readonly OpenLoopSchedule _schedule;
    private readonly int _textBytes;
    private readonly CancellationToken _cancellationToken;
    private readonly TaskCompletionSource _done = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _sent;

    public PublisherThread(BenchTarget target, BenchConnection connection, int publisher, OpenLoopSchedule schedule, int textBytes, CancellationToken cancellationToken)
    {
        _target = target;
        _connection = connection;
        _publisher = publisher;
        _schedule = schedule;
        _textBytes = textBytes;
        _cancellationToken = cancellationToken;
    }

    public long Sent => Volatile.Read(ref _sent);

    private volatile bool _givenUp;

    /// <summary>Stops sending at the next chance (the deadline passed); the socket is aborted by the caller.</summary>
    public void GiveUp() => _givenUp = true;

    public string? Failure { get; private set; }

    public Task Completion => _done.Task;

    public void Start()
    {
        var thread = new Thread(Run) { IsBackground = true, Name = $"publisher {_publisher}", Priority = ThreadPriority.AboveNormal };
        thread.Start();
    }

    private void Run()
    {
        try
        {
            var batch = new byte[BatchBytes];
            Span<byte> text = stackalloc byte[_textBytes];
            int maxMessage = _target.MaxMessageBytes(_textBytes);
            long next = 0;
            while (next < _schedule.Count && !_cancellationToken.IsCancellationRequested && !_givenUp)
            {
                long now = Stopwatch.GetTimestamp();
                long due = _schedule.DueCount(now);
                if (due <= next)
                {
                    Wait(_schedule.DueTicks(next) - now);
                    continue;
                }
                int length = 0;
                while (next < due && length + maxMessage <= batch.Length)
                {
                    ProbeText.Write(text, _publisher, next, _schedule.DueTicks(next));
                    length += _target.WriteMessage(batch.AsSpan(length), text);
                    next++;
                }
                _connection.Send(batch.AsSpan(0, length));
                Volatile.Write(ref _sent, next);
            }
        }
        catch (Exception exception) when (exception is SocketException or IOException or ObjectDisposedException)
        {
            Failure = _givenUp
                ? $"publisher {_publisher}: the server was still not reading at the deadline"
                : $"publisher {_publisher}: {exception.Message}";
        }
        finally
        {
            _done.TrySetResult();
        }
    }

    // Sleeps until the next message is due, but at least 100 µs: every wake-up costs a send and a
    // syscall, so at high rates each wake-up sends the handful of messages that fell due meanwhile (each
    // still stamped with its own scheduled time, so the wait counts as latency, never hidden).
    private static void Wait(long ticks)
    {
        long micros = ticks * 1_000_000 / Stopwatch.Frequency;
        if (OperatingSystem.IsLinux() || OperatingSystem.IsMacOS()) NativeSleep.MicroSleep((uint)Math.Clamp(micros, 100, 1_000_000));
        else Thread.Sleep(1);
    }
}
