using System.Buffers;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace TermChat.Server.Datagrams;

/// <summary>
/// The bounded queue in front of the server's UDP socket, and its one writer. Any thread may queue a datagram
/// (<see cref="TrySend"/> never touches the socket, so a broadcast to a UDP member only queues); exactly one sender
/// takes them off and writes them to the non-blocking socket: the select thread in select mode
/// (<see cref="FlushQueued"/> when the socket is writable), a dedicated thread in threads mode
/// (<see cref="RunSenderThread"/>), a send loop in async mode (<see cref="RunSenderAsync"/>).
/// </summary>
/// <remarks>
/// When the queue is full the datagram is dropped and <see cref="TrySend"/> says so, so the caller counts it: UDP is
/// lossy anyway, and the reliability layer retransmits what the peer does not acknowledge. Buffers come from
/// <see cref="ArrayPool{T}.Shared"/>; the outbox owns each one from <see cref="TrySend"/> on and returns it to the
/// pool once it is sent or dropped.
/// </remarks>
internal sealed class DatagramOutbox
{
    /// <summary>Datagrams queued at most; about 5 MB of 1200-byte datagrams.</summary>
    public const int MaxQueued = 4096;

    private static readonly TimeSpan WritablePoll = TimeSpan.FromMilliseconds(100);

    private readonly IDatagramWire _wire;
    private readonly ConcurrentQueue<(byte[] Buffer, int Length, IPEndPoint Remote)> _queue = new();
    private readonly SemaphoreSlim _work = new(0);
    private Action? _wake;
    private int _queued;
    private int _senderIdle;
    private long _failed;
    private volatile bool _completing;
    private volatile bool _closed;

    public DatagramOutbox(IDatagramWire wire) => _wire = wire;

    /// <summary>Whether datagrams wait to be sent.</summary>
    public bool HasQueued => Volatile.Read(ref _queued) > 0;

    /// <summary>Datagrams the socket refused (other than "would block"): they are lost like any datagram.</summary>
    public long Failed => Interlocked.Read(ref _failed);

    /// <summary>Select mode: the select thread is the sender; queuing wakes it.</summary>
    public void UseSelectThread(Action wake) => _wake = wake;

    /// <summary>Queues one datagram and takes ownership of <paramref name="buffer"/> (rented from the shared pool).</summary>
    /// <returns><see langword="false"/> when it was dropped: the queue is full or the socket closed.</returns>
    public bool TrySend(byte[] buffer, int length, IPEndPoint remote)
    {
        if (_closed)
        {
            ArrayPool<byte>.Shared.Return(buffer);
            return false;
        }
        if (Interlocked.Increment(ref _queued) > MaxQueued)
        {
            Interlocked.Decrement(ref _queued);
            ArrayPool<byte>.Shared.Return(buffer);
            return false;
        }
        // The enqueue is a full fence, so the read below cannot pass it: a sender that went idle after looking at
        // an empty queue is seen here and woken.
        _queue.Enqueue((buffer, length, remote));
        if (_wake is { } wake)
        {
            wake();
        }
        else if (Volatile.Read(ref _senderIdle) == 1 && Interlocked.Exchange(ref _senderIdle, 0) == 1)
        {
            _work.Release();
        }
        return true;
    }

    /// <summary>Sends queued datagrams until the queue is empty or the socket would block. Sender only.</summary>
    /// <returns><see langword="false"/> when the socket would block with datagrams still queued.</returns>
    public bool FlushQueued()
    {
        while (_queue.TryPeek(out var item))
        {
            var result = _wire.TrySendTo(item.Buffer.AsSpan(0, item.Length), item.Remote);
            if (result == SocketError.WouldBlock)
            {
                return false;
            }
            if (!Sent(result))
            {
                return true;
            }
        }
        return true;
    }

    /// <summary>Threads mode: the sender thread. Blocks only itself while the socket cannot take more.</summary>
    public void RunSenderThread()
    {
        while (true)
        {
            if (!FlushQueued())
            {
                // The bounded wait notices a closed socket.
                _wire.WaitWritable(WritablePoll);
                if (_closed)
                {
                    DropAll();
                    return;
                }
                continue;
            }
            if (!WaitForWork())
            {
                return;
            }
        }
    }

    /// <summary>Async mode: the send loop. Awaits room in the socket buffer instead of blocking a thread.</summary>
    public async Task RunSenderAsync()
    {
        while (true)
        {
            if (!FlushQueued() && _queue.TryPeek(out var item))
            {
                // Completes when the socket took the datagram: the wait for room happens here.
                if (!Sent(await _wire.SendToAsync(item.Buffer.AsMemory(0, item.Length), item.Remote).ConfigureAwait(false)))
                {
                    return;
                }
                continue;
            }
            if (!await WaitForWorkAsync().ConfigureAwait(false))
            {
                return;
            }
        }
    }

    /// <summary>
    /// No more datagrams will be queued after those already there: the threads and async senders send them and end.
    /// </summary>
    public void Complete()
    {
        _completing = true;
        _work.Release();
    }

    /// <summary>The socket is closing: later sends are dropped and whatever is still queued is released.</summary>
    public void Close()
    {
        _closed = true;
        _work.Release();
        if (_wake is not null)
        {
            DropAll();
        }
    }

    /// <summary>Sleeps until something is queued; false when the sender should end.</summary>
    private bool WaitForWork()
    {
        while (true)
        {
            if (!BeginWait(out bool end)) return !end;
            _work.Wait();
        }
    }

    private async Task<bool> WaitForWorkAsync()
    {
        while (true)
        {
            if (!BeginWait(out bool end)) return !end;
            await _work.WaitAsync().ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Marks the sender idle unless there is work or it should end. A producer that finds it idle releases the
    /// semaphore once; a spare release only costs one extra look at the queue.
    /// </summary>
    private bool BeginWait(out bool end)
    {
        end = _closed || _completing && _queue.IsEmpty;
        if (end)
        {
            if (_closed) DropAll();
            return false;
        }
        Interlocked.Exchange(ref _senderIdle, 1);
        if (!_queue.IsEmpty)
        {
            Interlocked.Exchange(ref _senderIdle, 0);
            return false;
        }
        return true;
    }

    /// <summary>The head datagram left, or was lost; false when the socket has closed (everything queued is dropped).</summary>
    private bool Sent(SocketError result)
    {
        if (result == SocketError.OperationAborted)
        {
            DropAll();
            return false;
        }
        if (result != SocketError.Success)
        {
            // ICMP errors from earlier sends, an unreachable address, ...: this datagram is lost.
            Interlocked.Increment(ref _failed);
        }
        Dequeued();
        return true;
    }

    private void Dequeued()
    {
        if (_queue.TryDequeue(out var item))
        {
            Interlocked.Decrement(ref _queued);
            ArrayPool<byte>.Shared.Return(item.Buffer);
        }
    }

    private void DropAll()
    {
        while (_queue.TryDequeue(out var item))
        {
            Interlocked.Decrement(ref _queued);
            ArrayPool<byte>.Shared.Return(item.Buffer);
        }
    }
}
