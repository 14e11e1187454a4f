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
/// TLS connections are read the same way, on the same thread: SslStream pulls ciphertext into its own buffer and hands
/// out decrypted bytes a record or so per read, so after a read the socket can look idle while whole records wait
/// inside SslStream. Its reads therefore run over a <see cref="PolledTlsTransport"/>: a readable socket gets one receive
/// of ciphertext, and SslStream is read until its read waits on the transport for more, so nothing whole is left inside
/// it and a poll sees every arrival. The generator's cost and the interval's wait are then alike for every target.
/// </remarks>
public sealed class PollingReceiver : IDisposable
{
    private readonly TimeSpan _interval;
    private readonly Lock _gate = new();
    private readonly List<Entry> _pending = [];
    private readonly Dictionary<Socket, Entry> _entries = [];
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
        lock (_gate) _pending.Add(new Entry(connection, scanner, receiver));
    }

    private void Run()
    {
        var check = new List<Socket>();
        var added = new List<Entry>();
        long intervalTicks = (long)(_interval.TotalSeconds * Stopwatch.Frequency);
        while (!_stop)
        {
            long roundStart = Stopwatch.GetTimestamp();
            lock (_gate)
            {
                added.AddRange(_pending);
                _pending.Clear();
            }
            foreach (var entry in added)
            {
                // What came with the handshake answer, and, over TLS, records SslStream already holds, are taken now: no
                // arrival on the socket may ever announce them.
                if (entry.ReadOnce(Stopwatch.GetTimestamp(), socketReadable: false)) _entries[entry.Connection.Socket] = entry;
            }
            added.Clear();
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
                if (!entry.ReadOnce(now, socketReadable: true)) _entries.Remove(socket);
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
    }

    private sealed class Entry(BenchConnection connection, IStreamScanner scanner, Receiver receiver)
    {
        private readonly ArrayBufferWriter<byte> _replies = new(64);

        public BenchConnection Connection { get; } = connection;

        // Reads what the poll found (one receive when the socket is readable) and scans it; returns false when the
        // connection has ended. Every message read is stamped with the poll's time.
        public bool ReadOnce(long arrival, bool socketReadable)
        {
            try
            {
                receiver.NowTicks = arrival;
                Scan();
                if (Connection.IsTls)
                {
                    if (socketReadable) Connection.ReceiveTls();
                    bool ended;
                    while (Connection.TryFillTls(out ended)) Scan();
                    if (ended) return Closed();
                }
                else if (socketReadable)
                {
                    if (!Connection.Fill()) return Closed();
                    Scan();
                }
                return true;
            }
            catch (Exception exception) when (exception is SocketException or IOException or ObjectDisposedException or InvalidDataException)
            {
                receiver.Failure ??= scanner.LastError is { } error ? $"{exception.Message} ({error})" : exception.Message;
                return false;
            }
        }

        private void Scan()
        {
            Connection.Start += scanner.Scan(Connection.Unread, receiver, _replies);
            if (_replies.WrittenCount > 0)
            {
                Connection.Send(_replies.WrittenSpan);
                _replies.ResetWrittenCount();
            }
        }

        private bool Closed()
        {
            receiver.Failure ??= scanner.LastError is { } error ? $"server closed the connection ({error})" : "server closed the connection";
            return false;
        }
    }
}
