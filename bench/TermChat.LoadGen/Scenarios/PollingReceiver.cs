using System.Buffers;
using System.Diagnostics;
using System.Net.Sockets;
using TermChat.LoadGen.Net;
using TermChat.LoadGen.Targets;

namespace TermChat.LoadGen.Scenarios;

/// <summary>
/// Reads every subscriber socket from one thread: wait until some are readable (poll), read each ready
/// one once into its buffer and scan it in place, then pause for the rest of the poll interval so data
/// piles up in the kernel and the next read takes many messages at once. One thread and one read per
/// socket per interval keep the generator's cost per delivery far below the server's; the price is that a
/// message can wait up to one interval before it is read (the same for every server, and reported).
/// </summary>
/// <remarks>
/// A TLS connection gets a blocking reader thread of its own instead. SslStream pulls ciphertext from the socket
/// into its own buffer and hands out one record per read, so after a read the socket can look idle while whole
/// records wait inside SslStream: a poll would leave them there until the next arrival, and one read per interval
/// would cap each subscriber at one record per interval. Both would be charged to the server's latency.
/// </remarks>
public sealed class PollingReceiver : IDisposable
{
    private readonly TimeSpan _interval;
    private readonly Lock _gate = new();
    private readonly List<Entry> _pending = [];
    private readonly Dictionary<Socket, Entry> _entries = [];
    private readonly List<(Entry Entry, Thread Thread)> _tlsReaders = [];
    private readonly Thread _thread;
    private volatile bool _stop;

    /// <summary>Starts the reading thread.</summary>
    /// <param name="interval">The poll interval: the most a message waits in the kernel before being read.</param>
    public PollingReceiver(TimeSpan interval)
    {
        _interval = interval;
        _thread = new Thread(Run) { IsBackground = true, Name = "bench receiver", Priority = ThreadPriority.AboveNormal };
        _thread.Start();
    }

    /// <summary>Starts reading <paramref name="connection"/> (from any thread).</summary>
    public void Add(BenchConnection connection, IStreamScanner scanner, Receiver receiver)
    {
        var entry = new Entry(connection, scanner, receiver);
        if (connection.IsTls)
        {
            var reader = new Thread(() =>
            {
                while (!entry.Stopped && entry.ReadOnce(arrival: null))
                {
                }
            })
            { IsBackground = true, Name = "bench TLS receiver", Priority = ThreadPriority.AboveNormal };
            lock (_gate) _tlsReaders.Add((entry, reader));
            reader.Start();
            return;
        }
        lock (_gate) _pending.Add(entry);
    }

    private void Run()
    {
        var check = new List<Socket>();
        long intervalTicks = (long)(_interval.TotalSeconds * Stopwatch.Frequency);
        while (!_stop)
        {
            long roundStart = Stopwatch.GetTimestamp();
            lock (_gate)
            {
                foreach (var entry in _pending) _entries[entry.Connection.Socket] = entry;
                _pending.Clear();
            }
            check.Clear();
            check.AddRange(_entries.Keys);
            if (check.Count == 0)
            {
                Thread.Sleep(1);
                continue;
            }
            try
            {
                Socket.Select(check, null, null, 10_000);
            }
            catch (ObjectDisposedException)
            {
                // A socket was closed under us at shutdown; the next round rebuilds the list.
                continue;
            }
            long now = Stopwatch.GetTimestamp();
            foreach (var socket in check)
            {
                var entry = _entries[socket];
                if (!entry.ReadOnce(now)) _entries.Remove(socket);
            }
            long left = roundStart + intervalTicks - Stopwatch.GetTimestamp();
            if (left > 0) Pause(left);
        }
    }

    private static void Pause(long ticks)
    {
        long micros = ticks * 1_000_000 / Stopwatch.Frequency;
        if (OperatingSystem.IsLinux() || OperatingSystem.IsMacOS())
        {
            Net.NativeSleep.MicroSleep((uint)Math.Min(micros, 1_000_000));
        }
        else
        {
            Thread.Sleep(TimeSpan.FromMilliseconds(Math.Max(1, micros / 1000)));
        }
    }

    /// <summary>Stops the thread (the connections stay open; their owner closes them).</summary>
    public void Dispose()
    {
        _stop = true;
        _thread.Join();
        List<(Entry Entry, Thread Thread)> readers;
        lock (_gate) readers = [.. _tlsReaders];
        // A blocked TLS read only returns when the socket does: the run is over, so its socket is shut down.
        foreach (var (entry, _) in readers)
        {
            entry.Stopped = true;
            entry.Connection.Abort();
        }
        foreach (var (_, reader) in readers) reader.Join();
    }

    private sealed class Entry(BenchConnection connection, IStreamScanner scanner, Receiver receiver)
    {
        private readonly ArrayBufferWriter<byte> _replies = new(64);
        private volatile bool _stopped;

        public BenchConnection Connection { get; } = connection;

        /// <summary>Set when the receiver stops: the connection's end is then ours, not a failure.</summary>
        public bool Stopped { get => _stopped; set => _stopped = value; }

        // Returns false when the connection has ended. The arrival time is the poll's, or, for a blocking reader
        // (null), the moment each read returns.
        public bool ReadOnce(long? arrival)
        {
            try
            {
                receiver.NowTicks = arrival ?? Stopwatch.GetTimestamp();
                // Bytes that came with the handshake answer are scanned before the first read.
                Connection.Start += scanner.Scan(Connection.Unread, receiver, _replies);
                if (!Connection.Fill())
                {
                    if (!Stopped) receiver.Failure ??= scanner.LastError is { } error ? $"server closed the connection ({error})" : "server closed the connection";
                    return false;
                }
                if (arrival is null) receiver.NowTicks = Stopwatch.GetTimestamp();
                Connection.Start += scanner.Scan(Connection.Unread, receiver, _replies);
                if (_replies.WrittenCount > 0)
                {
                    Connection.Send(_replies.WrittenSpan);
                    _replies.ResetWrittenCount();
                }
                return true;
            }
            catch (Exception exception) when (exception is SocketException or IOException or ObjectDisposedException or InvalidDataException)
            {
                if (!Stopped) receiver.Failure ??= scanner.LastError is { } error ? $"{exception.Message} ({error})" : exception.Message;
                return false;
            }
        }
    }
}
