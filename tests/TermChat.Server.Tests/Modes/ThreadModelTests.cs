using System.Diagnostics;
using TermChat.TestKit.Server;

namespace TermChat.Server.Tests.Modes;

/// <summary>
/// The thread model each mode promises (ARCHITECTURE.md, `serve --help`): threads mode runs a blocking reader and a
/// blocking writer thread per connection, while select and async modes serve any number of connections without
/// threads of their own per connection.
/// </summary>
/// <remarks>
/// Counted as the operating system's threads of this process that appear while N clients connect, not as a
/// difference of totals, so that a thread-pool thread retiring meanwhile cannot hide a new one. The bounds are wide
/// (at least 1.5 N where 2 N are expected, at most N/4 where none are) because the runtime may add a few pool
/// threads of its own on a loaded two-core machine.
/// </remarks>
[Collection(ThreadModelCollection.Name)]
public sealed class ThreadModelTests
{
    private const int Clients = 40;

    [Fact]
    public async Task Threads_mode_runs_two_threads_per_connection_and_ends_them_when_the_clients_leave()
    {
        await using var server = await TestServer.StartAsync(ServerMode.Threads);
        var before = await WarmUpAsync(server);

        // A connection's two threads start when it is accepted, before its Welcome is sent.
        var clients = await ConnectAsync(server);
        var started = NewThreads(before);
        Assert.True(started.Count is >= 3 * Clients / 2 and <= 2 * Clients + Clients / 4, $"{Clients} connections started {Describe(started)}");

        foreach (var client in clients)
        {
            await client.DisposeAsync();
        }
        await Eventually.TrueAsync(() => ThreadIds().Intersect(started).Count() <= Clients / 4, TimeSpan.FromSeconds(15));
    }

    [Theory]
    [InlineData(ServerMode.Select)]
    [InlineData(ServerMode.Async)]
    public async Task Select_and_async_modes_start_no_thread_per_connection(ServerMode mode)
    {
        await using var server = await TestServer.StartAsync(mode);
        var before = await WarmUpAsync(server);

        var clients = await ConnectAsync(server);
        // Every client has been welcomed and answered a ping: the server has read from and written to each connection.
        foreach (var client in clients)
        {
            await client.BarrierAsync();
        }

        var started = NewThreads(before);
        Assert.True(started.Count <= Clients / 4, $"{Clients} connections started {Describe(started)}");
        foreach (var client in clients)
        {
            await client.DisposeAsync();
        }
    }

    /// <summary>One client there and back brings up what a mode starts once (accept thread, timers, socket engine).</summary>
    private static async Task<HashSet<int>> WarmUpAsync(TestServer server)
    {
        await using var first = await server.ConnectAsync("first");
        await first.BarrierAsync();
        return ThreadIds();
    }

    private static async Task<List<TestChatClient>> ConnectAsync(TestServer server)
    {
        var clients = new List<TestChatClient>();
        for (int i = 0; i < Clients; i++)
        {
            clients.Add(await server.ConnectAsync($"user{i}"));
        }
        return clients;
    }

    private static HashSet<int> ThreadIds()
    {
        using var process = Process.GetCurrentProcess();
        return process.Threads.Cast<ProcessThread>().Select(thread => thread.Id).ToHashSet();
    }

    private static HashSet<int> NewThreads(HashSet<int> before)
    {
        var now = ThreadIds();
        now.ExceptWith(before);
        return now;
    }

    // The names say whose threads they are (termchat-read-7, .NET TP Worker) when a bound fails; Linux keeps them in /proc.
    private static string Describe(HashSet<int> threads)
    {
        var names = threads.Select(id => File.Exists($"/proc/self/task/{id}/comm") ? File.ReadAllText($"/proc/self/task/{id}/comm").Trim() : "?")
            .GroupBy(name => name).Select(group => $"{group.Count()} × {group.Key}");
        return $"{threads.Count} threads: {string.Join(", ", names)}";
    }
}
