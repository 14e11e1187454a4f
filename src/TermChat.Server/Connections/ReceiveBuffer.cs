using System.Buffers;

namespace TermChat.Server.Connections;

/// <summary>
/// A connection's pooled receive buffer. It holds at most one partial frame plus the last read; the
/// array goes back to the pool whenever it is empty, so idle connections hold no buffer.
/// </summary>
internal sealed class ReceiveBuffer : IDisposable
{
    private const int MinimumRead = 4096;
    private byte[]? _array;
    private int _start;
    private int _end;

    public int Length => _end - _start;

    public ReadOnlySpan<byte> Data => _array is null ? default : _array.AsSpan(_start, _end - _start);

    /// <summary>Room for the next read, compacting or growing as needed.</summary>
    public Memory<byte> GetMemory()
    {
        if (_array is null)
        {
            _array = ArrayPool<byte>.Shared.Rent(MinimumRead);
            _start = _end = 0;
        }
        else if (_array.Length - _end < MinimumRead)
        {
            int length = Length;
            if (_array.Length - length >= MinimumRead)
            {
                _array.AsSpan(_start, length).CopyTo(_array);
            }
            else
            {
                byte[] bigger = ArrayPool<byte>.Shared.Rent(length + MinimumRead);
                _array.AsSpan(_start, length).CopyTo(bigger);
                ArrayPool<byte>.Shared.Return(_array);
                _array = bigger;
            }
            _start = 0;
            _end = length;
        }
        return _array.AsMemory(_end);
    }

    public void Advance(int count) => _end += count;

    public void Consume(int count)
    {
        _start += count;
        if (_start == _end)
        {
            _start = _end = 0;
        }
    }

    public void Clear() => _start = _end = 0;

    /// <summary>Returns the array to the pool if nothing is buffered.</summary>
    public void ReleaseIfEmpty()
    {
        if (_array is not null && _start == _end)
        {
            ArrayPool<byte>.Shared.Return(_array);
            _array = null;
            _start = _end = 0;
        }
    }

    public void Dispose()
    {
        if (_array is not null)
        {
            ArrayPool<byte>.Shared.Return(_array);
            _array = null;
        }
    }
}
