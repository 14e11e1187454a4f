using System.Collections.Concurrent;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using TermChat.Server.History;

namespace TermChat.Server.Storage;

/// <summary>
/// The one thread that writes the data file. Whatever has been queued since the last commit goes into one
/// transaction (group commit): under load a batch holds thousands of entries for one WAL sync, when quiet a single
/// entry commits at once, with no timer between. After each commit the entries are reported committed, in order.
/// </summary>
/// <remarks>
/// A write that fails because the disk is full (or any I/O error) is kept and retried every second; meanwhile
/// <see cref="Refusal"/> says why, so that the chat core refuses new messages instead of letting them pile up.
/// Nothing is lost or half-written: the failed transaction rolls back whole.
/// </remarks>
internal sealed class StoreWriter : IDisposable
{
    private const int MaxBatch = 8192;
    private static readonly TimeSpan RetryInterval = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan AliveInterval = TimeSpan.FromSeconds(5);

    private readonly SqliteConnection _connection;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly Action<List<RoomEntry>> _committed;
    private readonly ConcurrentQueue<StoreOp> _queue = new();
    private readonly SemaphoreSlim _signal = new(0);
    private readonly Thread _thread;
    private readonly StoreStatements _statements;
    private readonly List<StoreOp> _batch = [];
    private volatile string? _refusal;
    private volatile bool _stopping;
    private long _lastAliveWrite = long.MinValue;

    public StoreWriter(SqliteConnection connection, TimeProvider time, ILogger logger, Action<List<RoomEntry>> committed)
    {
        _connection = connection;
        _time = time;
        _logger = logger;
        _committed = committed;
        _statements = new StoreStatements(connection);
        _thread = new Thread(Run) { IsBackground = true, Name = "termchat-store" };
        _thread.Start();
    }

    /// <summary>Why the store takes no new messages now (the disk is full), or null when it does.</summary>
    public string? Refusal => _refusal;

    /// <summary>Queues a write. Never blocks.</summary>
    public void Enqueue(StoreOp op)
    {
        _queue.Enqueue(op);
        if (_signal.CurrentCount == 0) _signal.Release();
    }

    /// <summary>Writes everything queued, then stops the thread. Idempotent.</summary>
    public void Dispose()
    {
        if (_stopping) return;
        _stopping = true;
        _signal.Release();
        _thread.Join();
        _statements.Dispose();
    }

    private void Run()
    {
        while (true)
        {
            bool stopping = _stopping;
            while (_batch.Count < MaxBatch && _queue.TryDequeue(out var op)) _batch.Add(op);
            if (_batch.Count == 0)
            {
                if (stopping) return;
                WriteAliveIfDue();
                _signal.Wait(AliveInterval);
                continue;
            }
            if (!TryCommit())
            {
                // Shutting down on a full disk: what is not written was never acknowledged, and is let go.
                if (stopping) return;
                _signal.Wait(RetryInterval);
                continue;
            }
            var entries = new List<RoomEntry>(_batch.Count);
            foreach (var op in _batch)
            {
                if (op.Kind == StoreOpKind.Append) entries.Add(op.Entry!);
            }
            _batch.Clear();
            if (entries.Count > 0) _committed(entries);
        }
    }

    private bool TryCommit()
    {
        try
        {
            using var transaction = _connection.BeginTransaction();
            _statements.Use(transaction);
            var roomSeqs = new Dictionary<string, ulong>(StringComparer.Ordinal);
            foreach (var op in _batch)
            {
                _statements.Apply(op);
                if (op.Kind == StoreOpKind.Append) roomSeqs[op.Entry!.Room] = op.Entry.Seq;
            }
            foreach (var (room, seq) in roomSeqs) _statements.RaiseRoomSeq(room, seq);
            _statements.SetAlive(_time.GetUtcNow().ToUnixTimeMilliseconds());
            transaction.Commit();
            _lastAliveWrite = _time.GetTimestamp();
            if (_refusal is not null)
            {
                _refusal = null;
                StoreLog.Recovered(_logger);
            }
            return true;
        }
        catch (SqliteException exception)
        {
            if (_refusal is null) StoreLog.WriteFailed(_logger, exception.SqliteErrorCode, exception.Message);
            _refusal = exception.SqliteErrorCode == 13
                ? "The server's disk is full: messages are refused until space is freed."
                : "The server cannot write its data file: messages are refused until it can.";
            return false;
        }
    }

    /// <summary>Records that the server is alive, so that a restart after a crash knows when it went down.</summary>
    private void WriteAliveIfDue()
    {
        if (_lastAliveWrite != long.MinValue && _time.GetElapsedTime(_lastAliveWrite) < AliveInterval) return;
        try
        {
            _statements.Use(null);
            _statements.SetAlive(_time.GetUtcNow().ToUnixTimeMilliseconds());
            _lastAliveWrite = _time.GetTimestamp();
        }
        catch (SqliteException)
        {
            // A full disk shows up on the next real write; the mark only narrows the resume windows after a crash.
        }
    }
}
