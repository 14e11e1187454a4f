using System.Collections.Concurrent;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using TermChat.Server.History;

namespace TermChat.Server.Storage;

/// <summary>
/// The one thread that writes the data file. Whatever has been queued since the last commit goes into one
/// transaction (group commit): under load a batch holds thousands of entries for one WAL sync, when quiet a single
/// entry commits at once, with no timer between. After each commit the entries are reported committed, in order, on
/// the <see cref="CommitReporter"/>'s thread.
/// </summary>
/// <remarks>
/// Full-text indexing is most of a message's cost on disk, so it stays off the path to the echo under load: a small
/// batch is indexed in its own commit, a large one is left for when the writer is idle, and a search first brings the
/// index up to date. Past <see cref="MaxIndexLag"/> entries behind, every commit indexes some, so the lag is bounded.
/// The index's high-water id is written in the transaction that indexes, so a crash leaves nothing unindexed for good.
/// </remarks>
/// <remarks>
/// A write that fails because the disk is full (or any I/O error) is kept and retried every second; meanwhile
/// <see cref="Refusal"/> says why, so that the chat core refuses new messages instead of letting them pile up.
/// Nothing is lost or half-written: the failed transaction rolls back whole.
/// </remarks>
internal sealed class StoreWriter : IDisposable
{
    private const int MaxBatch = 8192;
    // Up to this many entries a commit indexes its own, and a little of any lag: cheap enough not to be noticed in an
    // echo. Past MaxIndexLag, every commit indexes CatchUpWhenBehind more than it adds.
    private const int SmallBatch = 64;
    private const int CatchUpPerSmallBatch = 256;
    private const int CatchUpWhenBehind = 1024;
    private const int IndexChunk = 4096;
    private const long MaxIndexLag = 65_536;
    private static readonly TimeSpan IdleBeforeIndexing = TimeSpan.FromMilliseconds(20);
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
    private readonly CommitReporter _reporter = new();
    private readonly List<StoreOp> _batch = [];
    private readonly List<RoomEntry> _appended = [];
    private readonly List<Action> _searches = [];
    private volatile string? _refusal;
    private volatile bool _stopping;
    private long _lastAliveWrite = long.MinValue;
    private long _lastId;
    private long _indexedId;

    public StoreWriter(SqliteConnection connection, TimeProvider time, ILogger logger, Action<List<RoomEntry>> committed)
    {
        _connection = connection;
        _time = time;
        _logger = logger;
        _committed = committed;
        _statements = new StoreStatements(connection);
        _lastId = Convert.ToInt64(StoreSchema.Scalar(connection, "SELECT coalesce(max(id), 0) FROM entries"));
        _indexedId = IndexedUpTo(connection);
        _thread = new Thread(Run) { IsBackground = true, Name = "termchat-store" };
        _thread.Start();
    }

    /// <summary>Why the store takes no new messages now (the disk is full), or null when it does.</summary>
    public string? Refusal => _refusal;

    /// <summary>
    /// The id up to which messages are in the full-text index. A file written before indexing was deferred has every
    /// message indexed, and no mark: it gets one here.
    /// </summary>
    public static long IndexedUpTo(SqliteConnection connection)
    {
        DataFile.Execute(connection, "INSERT OR IGNORE INTO server(key, value) SELECT 'indexed_id', coalesce(max(id), 0) FROM entries");
        return Convert.ToInt64(StoreSchema.Scalar(connection, "SELECT value FROM server WHERE key = 'indexed_id'"));
    }

    /// <summary>Queues a write. Never blocks.</summary>
    public void Enqueue(StoreOp op)
    {
        _queue.Enqueue(op);
        if (_signal.CurrentCount == 0) _signal.Release();
    }

    /// <summary>Writes everything queued, reports it, then stops the threads. Idempotent.</summary>
    public void Dispose()
    {
        if (_stopping) return;
        _stopping = true;
        _signal.Release();
        _thread.Join();
        _reporter.Dispose();
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
                if (_indexedId < _lastId)
                {
                    if (!_signal.Wait(IdleBeforeIndexing)) TryIndexWhileIdle();
                    continue;
                }
                WriteAliveIfDue();
                _signal.Wait(AliveInterval);
                continue;
            }
            if (!TryCommit())
            {
                // A search does not wait for the disk: it runs on what is indexed. The batch stays for the retry, without
                // the searches already answered.
                ReleaseSearches();
                _batch.RemoveAll(op => op.Kind == StoreOpKind.IndexForSearch);
                // Shutting down on a full disk: what is not written was never acknowledged, and is let go.
                if (stopping) return;
                _signal.Wait(RetryInterval);
                continue;
            }
            _batch.Clear();
            if (_appended.Count > 0)
            {
                var entries = new List<RoomEntry>(_appended);
                _reporter.Report(() => _committed(entries));
            }
            ReleaseSearches();
        }
    }

    private bool TryCommit()
    {
        _appended.Clear();
        try
        {
            using var transaction = _connection.BeginTransaction();
            _statements.Use(transaction);
            var roomSeqs = new Dictionary<string, ulong>(StringComparer.Ordinal);
            foreach (var op in _batch)
            {
                switch (op.Kind)
                {
                    case StoreOpKind.Append:
                        _appended.Add(op.Entry!);
                        roomSeqs[op.Entry!.Room] = op.Entry.Seq;
                        break;
                    case StoreOpKind.IndexForSearch:
                        _searches.Add(op.Release!);
                        break;
                    default:
                        _statements.Apply(op, _indexedId);
                        break;
                }
            }
            // Prunes and appends touch different seqs (a prune only ever follows the commit of what it prunes), so the
            // appends can go in together.
            _statements.Insert(_appended, _lastId + 1);
            long lastId = _lastId + _appended.Count;
            foreach (var (room, seq) in roomSeqs) _statements.RaiseRoomSeq(room, seq);
            long indexTo = IndexTarget(lastId);
            if (indexTo > _indexedId) _statements.Index(_indexedId, indexTo);
            _statements.SetAlive(_time.GetUtcNow().ToUnixTimeMilliseconds());
            transaction.Commit();
            _lastId = lastId;
            _indexedId = Math.Max(_indexedId, indexTo);
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
            _appended.Clear();
            if (_refusal is null) StoreLog.WriteFailed(_logger, exception.SqliteErrorCode, exception.Message);
            _refusal = exception.SqliteErrorCode == 13
                ? "The server's disk is full: messages are refused until space is freed."
                : "The server cannot write its data file: messages are refused until it can.";
            return false;
        }
    }

    /// <summary>How far this commit indexes: everything for a search or a small batch, a chunk when too far behind.</summary>
    private long IndexTarget(long lastId)
    {
        if (_searches.Count > 0) return lastId;
        if (_appended.Count <= SmallBatch) return Math.Min(lastId, _indexedId + _appended.Count + CatchUpPerSmallBatch);
        return lastId - _indexedId > MaxIndexLag ? Math.Min(lastId, _indexedId + _appended.Count + CatchUpWhenBehind) : _indexedId;
    }

    private void TryIndexWhileIdle()
    {
        long indexTo = Math.Min(_lastId, _indexedId + IndexChunk);
        try
        {
            using var transaction = _connection.BeginTransaction();
            _statements.Use(transaction);
            _statements.Index(_indexedId, indexTo);
            transaction.Commit();
            _indexedId = indexTo;
        }
        catch (SqliteException exception)
        {
            // The disk is full or failing: the next real write reports it; searches lag until then.
            StoreLog.IndexFailed(_logger, exception.SqliteErrorCode, exception.Message);
            _signal.Wait(RetryInterval);
        }
    }

    private void ReleaseSearches()
    {
        foreach (var search in _searches) _reporter.Report(search);
        _searches.Clear();
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
