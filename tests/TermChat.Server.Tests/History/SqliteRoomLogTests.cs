using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using TermChat.Protocol;
using TermChat.Server.Core;
using TermChat.Server.History;
using TermChat.Server.Storage;

namespace TermChat.Server.Tests.History;

/// <summary>The SQLite room log against the shared contract, on real files, plus what only a durable log does.</summary>
public sealed class SqliteRoomLogTests : RoomLogContract
{
    private readonly string _directory = Directory.CreateTempSubdirectory("termchat-store-").FullName;
    private readonly List<SqliteStore> _stores = [];
    private int _files;

    private protected override IRoomLog CreateLog(int historySize, long historyBytes) =>
        OpenStore(NewPath(), new ServerOptions { HistorySize = historySize, HistoryBytes = historyBytes }).RoomLog;

    private protected override void Closed()
    {
        foreach (var store in _stores) store.Dispose();
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task A_search_that_cannot_read_the_file_answers_why_in_one_line_and_the_log_goes_on()
    {
        string path = NewPath();
        var log = OpenStore(path).RoomLog;
        Append(log, Say("#a", "deploy"));
        // The writer keeps its open handle; a search opens the path anew and finds nothing there.
        File.Move(path, path + ".moved");
        var failure = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);

        log.Search("#a", "deploy", 10, _ => failure.TrySetException(new InvalidOperationException("found something")), reason => failure.TrySetResult(reason));

        string reason = await failure.Task.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.StartsWith("The search could not read the history: ", reason, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', reason);
        Assert.Equal(2UL, Append(log, Say("#a", "still here")).Seq);
    }

    [Fact]
    public void A_search_right_after_a_burst_finds_its_newest_message_though_indexing_waits_for_an_idle_writer()
    {
        var log = OpenStore(NewPath(), new ServerOptions { HistorySize = 5000, HistoryBytes = long.MaxValue }).RoomLog;
        // Appended without waiting, the burst commits in large batches, whose indexing is left for later.
        for (int i = 1; i < 3000; i++) log.Append(Say("#a", $"filler {i}"), out _);
        Append(log, Say("#a", "needle at the end"));

        Assert.Equal([3000UL], Search(log, "#a", "needle").Select(e => e.Seq));
        Assert.Equal(2999, Search(log, "#a", "filler", limit: 5000).Count);
    }

    [Fact]
    public void Messages_a_crash_left_out_of_the_search_index_are_indexed_after_the_next_start()
    {
        string path = NewPath();
        var first = OpenStore(path);
        Append(first.RoomLog, Say("#a", "written before the crash"));
        first.Dispose();
        using (var connection = new SqliteConnection($"Data Source={path};Pooling=False"))
        {
            // What a kill between a commit and its indexing leaves: the row, a high-water mark below it, no index.
            connection.Open();
            DataFile.Execute(connection, "DELETE FROM entries_text; UPDATE server SET value = 0 WHERE key = 'indexed_id';");
        }
        Assert.Empty(HistorySearch.Run(path, "#a", "crash", 10));

        OpenStore(path);

        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (HistorySearch.Run(path, "#a", "crash", 10).Count == 0)
        {
            Assert.True(DateTime.UtcNow < deadline, "the message was never indexed");
            Thread.Sleep(10);
        }
    }

    [Fact]
    public void Seqs_history_and_topics_survive_a_reopen_and_seqs_continue()
    {
        string path = NewPath();
        var first = OpenStore(path);
        for (int i = 1; i <= 5; i++) Append(first.RoomLog, Say("#keep", $"m{i}"));
        first.RoomLog.SetTopic("#keep", "the topic");
        first.RoomLog.SetAccess("#keep", new RoomAccess(RoomModeFlags.Key | RoomModeFlags.TopicLocked, "s3cret"));
        first.Dispose();

        var second = OpenStore(path);
        var log = second.RoomLog;
        Assert.Equal(5UL, log.LastSeq("#keep"));
        Assert.Equal("the topic", log.Topic("#keep"));
        Assert.Equal(new RoomAccess(RoomModeFlags.Key | RoomModeFlags.TopicLocked, "s3cret"), log.Access("#keep"));
        Assert.Equal(["m1", "m2", "m3", "m4", "m5"], log.Read("#keep", 0, int.MaxValue, long.MaxValue).Entries.Select(e => e.Text));
        Assert.Equal(6UL, Append(log, Say("#keep", "after")).Seq);
    }

    [Fact]
    public void Entries_that_leave_the_retained_history_leave_the_file_too()
    {
        string path = NewPath();
        var store = OpenStore(path, new ServerOptions { HistorySize = 3 });
        for (int i = 1; i <= 10; i++) Append(store.RoomLog, Say("#r", $"m{i}"));
        // The prune for the last eviction is queued after the batch that caused it; one more write flushes it.
        Append(store.RoomLog, Say("#other", "flush"));
        Append(store.RoomLog, Say("#other", "flush"));
        store.Dispose();

        using var connection = DataFile.OpenForReading(path);
        Assert.Equal(3L, StoreSchema.Scalar(connection, "SELECT count(*) FROM entries WHERE room = '#r'"));
        Assert.Equal(10L, StoreSchema.Scalar(connection, "SELECT last_seq FROM rooms WHERE name = '#r'"));
    }

    [Fact]
    public void Sessions_are_kept_by_the_hash_of_their_token_never_the_token()
    {
        string path = NewPath();
        var token = ResumeToken.NewRandom();
        var store = OpenStore(path);
        store.Save(new SessionRecord(CoreSession.HashOf(token), "ann", "lunch", ["#lobby", "#dev"], DetachedMs: 1234));
        store.Save(new SessionRecord("AA", "gone", "", ["#lobby"], null));
        store.Delete("AA");
        store.Dispose();

        var reopened = OpenStore(path);
        var (sessions, downSince) = reopened.Load();
        var ann = Assert.Single(sessions);
        Assert.Equal((CoreSession.HashOf(token), "ann", "lunch", 1234L), (ann.TokenHash, ann.Nick, ann.Away, ann.DetachedMs!.Value));
        Assert.Equal(["#lobby", "#dev"], ann.Rooms);
        Assert.NotNull(downSince);
        reopened.Dispose();
        string text = File.ReadAllText(path, System.Text.Encoding.Latin1);
        Assert.DoesNotContain(token.ToString(), text, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void A_file_of_the_first_schema_opens_and_is_migrated_with_its_history()
    {
        string path = NewPath();
        using (var connection = new SqliteConnection($"Data Source={path};Pooling=False"))
        {
            connection.Open();
            DataFile.Execute(connection, StoreSchema.ScriptUpTo(1) +
                "INSERT INTO rooms VALUES ('#old', 2, 'kept topic');" +
                "INSERT INTO entries(room, seq, time_ms, nick, is_event, kind, text) VALUES ('#old', 1, 1, 'ann', 0, 0, 'searchable words'), ('#old', 2, 2, 'ann', 1, 1, '');");
        }

        var store = OpenStore(path);

        Assert.Equal(2UL, store.RoomLog.LastSeq("#old"));
        Assert.Equal("kept topic", store.RoomLog.Topic("#old"));
        Assert.Same(RoomAccess.Open, store.RoomLog.Access("#old"));
        Assert.Equal(2, store.RoomLog.Read("#old", 0, int.MaxValue, long.MaxValue).Entries.Count);
        store.Dispose();
        using var reader = DataFile.OpenForReading(path);
        Assert.Equal((long)StoreSchema.Current, StoreSchema.Scalar(reader, "PRAGMA user_version"));
        Assert.Equal(1L, StoreSchema.Scalar(reader, "SELECT count(*) FROM entries_text WHERE entries_text MATCH 'searchable'"));
    }

    [Fact]
    public void A_file_of_a_newer_schema_is_refused_by_name_and_left_alone()
    {
        string path = NewPath();
        using (var connection = new SqliteConnection($"Data Source={path};Pooling=False"))
        {
            connection.Open();
            DataFile.Execute(connection, $"PRAGMA user_version = {StoreSchema.Current + 1};");
        }
        byte[] before = File.ReadAllBytes(path);

        var problem = Assert.Throws<StoreOpenException>(() => OpenStore(path));

        Assert.Contains(path, problem.Message);
        Assert.Contains("newer TermChat", problem.Message);
        Assert.DoesNotContain('\n', problem.Message);
        Assert.Equal(before, File.ReadAllBytes(path));
    }

    [Fact]
    public void A_file_that_is_not_a_database_is_refused_and_left_alone()
    {
        string path = NewPath();
        byte[] garbage = [.. Enumerable.Range(0, 8192).Select(i => (byte)(i * 7))];
        File.WriteAllBytes(path, garbage);

        var problem = Assert.Throws<StoreOpenException>(() => OpenStore(path));

        Assert.Contains(path, problem.Message);
        Assert.Contains("move it away", problem.Message);
        Assert.Equal(garbage, File.ReadAllBytes(path));
    }

    [Fact]
    public void A_damaged_database_is_refused()
    {
        string path = NewPath();
        var store = OpenStore(path);
        for (int i = 0; i < 300; i++) Append(store.RoomLog, Say("#r", new string('x', 2000)));
        store.Dispose();
        // Overwrite a run of pages in the middle of the file: the header still says SQLite, the b-trees do not add up.
        using (var file = new FileStream(path, FileMode.Open, FileAccess.Write))
        {
            file.Position = file.Length / 2;
            file.Write(Enumerable.Repeat((byte)0x5A, 16384).ToArray());
        }

        var problem = Assert.Throws<StoreOpenException>(() => OpenStore(path));

        Assert.Contains(path, problem.Message);
        Assert.Contains("damaged", problem.Message);
    }

    [Fact]
    public void A_file_in_use_by_another_server_is_refused_while_that_one_runs()
    {
        string path = NewPath();
        var running = OpenStore(path);

        var problem = Assert.Throws<StoreOpenException>(() => OpenStore(path));

        Assert.Contains("in use by another TermChat server", problem.Message);
        running.Dispose();
        OpenStore(path).Dispose();
    }

    [Fact]
    public void A_place_that_cannot_be_written_is_refused_by_name()
    {
        // Under a regular file, no directory can be made: the same refusal a read-only disk gets, for root too.
        string blocker = NewPath();
        File.WriteAllText(blocker, "not a directory");
        string path = Path.Combine(blocker, "chat.db");

        var problem = Assert.Throws<StoreOpenException>(() => OpenStore(path));

        Assert.Contains(path, problem.Message);
        Assert.Contains("--ephemeral", problem.Message);
    }

    private SqliteStore OpenStore(string path, ServerOptions? options = null)
    {
        var store = SqliteStore.Open(path, options ?? new ServerOptions(), NullLogger.Instance);
        Track(store.RoomLog);
        _stores.Add(store);
        return store;
    }

    private string NewPath() => Path.Combine(_directory, $"chat{++_files}.db");
}
