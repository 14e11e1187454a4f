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

    private readonly Socket _socket;
    private readonly ConcurrentQueue<(byte[] Buffer, int Length, IPEndPoint Remote)> _queue = new();
    private readonly SemaphoreSlim _work = new(0);
    private Action? _wake;
    private int _queued;
    private int _senderIdle;
    private long _failed;
    private volatile bool _completing;
    private volatile bool _closed;

    public DatagramOutbox(Socket socket) => _socket = socket;

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
        if (_closed || Interlocked.Increment(ref _queued) > MaxQueued)
        {
            if (!_closed) Interlocked.Decrement(ref _queued);
            ArrayPool<byte>.Shared.Return(buffer);
            return false;
        }
        _queue.Enqueue((buffer, length, remote));
        if (_wake is { } wake)
        {
            wake();
        }
        else if (Interlocked.Exchange(ref _senderIdle, 0) == 1)
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
            try
            {
                _socket.SendTo(item.Buffer.AsSpan(0, item.Length), SocketFlags.None, item.Remote);
            }
            catch (SocketException exception) when (exception.SocketErrorCode == SocketError.WouldBlock)
            {
                return false;
            }
            catch (SocketException)
            {
                // ICMP errors from earlier sends, an unreachable address, ...: this datagram is lost.
                Interlocked.Increment(ref _failed);
            }
            catch (ObjectDisposedException)
            {
                DropAll();
                return true;
            }
            Dequeued();
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
                // Wait for room in the socket buffer; the bounded wait notices a closed socket.
                try
                {
                    _socket.Poll(WritablePoll, SelectMode.SelectWrite);
                }
                catch (Exception exception) when (exception is SocketException or ObjectDisposedException)
                {
                    DropAll();
                    return;
                }
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
                try
                {
                    // Completes when the socket took the datagram: the wait for room happens here.
                    await _socket.SendToAsync(item.Buffer.AsMemory(0, item.Length), SocketFlags.None, item.Remote).ConfigureAwait(false);
                }
                catch (SocketException)
                {
                    Interlocked.Increment(ref _failed);
                }
                catch (ObjectDisposedException)
                {
                    DropAll();
                    return;
                }
                Dequeued();
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
