using System.Net;
using TermChat.Protocol;
using TermChat.Protocol.Messages;
using TermChat.TestKit.Server;

namespace TermChat.Cli.Tests.ServerIntegration;

/// <summary>
/// A protocol client that outlives its connections, as a real client does across a server restart: it keeps its
/// resume token, its cursor (last seq seen) per room, and every room entry it ever received, in arrival order.
/// </summary>
internal sealed class ResumingClient : IAsyncDisposable
{
    private readonly Dictionary<string, List<Message>> _entries = new(StringComparer.Ordinal);
    private readonly List<string> _acked = [];
    private TestChatClient? _connection;
    private int _absorbed;

    private ResumingClient(string nick) => Nick = nick;

    public string Nick { get; }

    public ResumeToken Token { get; private set; }

    /// <summary>The rooms the client is in, the lobby included.</summary>
    public HashSet<string> Rooms { get; } = new(StringComparer.Ordinal) { "#lobby" };

    /// <summary>The live connection.</summary>
    public TestChatClient Connection => _connection ?? throw new InvalidOperationException($"{Nick} is not connected.");

    /// <summary>Texts of this client's own messages whose live echo reached it, in order: what it saw acknowledged.</summary>
    public IReadOnlyList<string> Acked => _acked;

    /// <summary>Every room entry (RoomMessage or RoomEvent, live or replayed) received in <paramref name="room"/>, in arrival order.</summary>
    public IReadOnlyList<Message> EntriesIn(string room) => _entries.TryGetValue(room, out var list) ? list : [];

    public static async Task<ResumingClient> ConnectAsync(EndPoint endpoint, string nick, params string[] rooms)
    {
        var client = new ResumingClient(nick);
        client._connection = await TestChatClient.ConnectAsync(endpoint, nick);
        client.Token = client._connection.Welcome!.Token;
        foreach (string room in rooms)
        {
            await client._connection.SendAsync(new JoinRoom(room));
            await client._connection.ExpectAsync(m => m is HistoryEnd end && end.Room == room);
            client.Rooms.Add(room);
        }
        client.Absorb();
        return client;
    }

    /// <summary>The last seq seen per room, as a resuming client sends them in its Hello.</summary>
    public RoomCursor[] Cursors()
    {
        Absorb();
        return Rooms.Select(room => new RoomCursor(room, EntriesIn(room) is { Count: > 0 } seen ? SeqOf(seen[^1]) : 0)).ToArray();
    }

    /// <summary>
    /// Waits for the server to close the connection (it was killed), then takes in everything that reached the
    /// client before it did.
    /// </summary>
    public async Task LoseConnectionAsync()
    {
        await Connection.WaitClosedAsync();
        Absorb();
        await _connection!.DisposeAsync();
        _connection = null;
        _absorbed = 0;
    }

    /// <summary>
    /// Reconnects with the token and cursors and waits for every room's replay to end.
    /// </summary>
    /// <returns>The Welcome and the RoomJoined and HistoryBegin of each room, for the caller to check.</returns>
    public async Task<(Welcome Welcome, List<RoomJoined> Joined, List<HistoryBegin> Replays)> ResumeAsync(EndPoint endpoint)
    {
        var cursors = Cursors();
        _connection = await TestChatClient.ConnectAsync(endpoint, Nick, Token, cursors);
        var joined = new List<RoomJoined>();
        var replays = new List<HistoryBegin>();
        var ended = new HashSet<string>(StringComparer.Ordinal);
        // Every room the session is in is joined again, each with its replay; a room not expected fails the caller's check.
        await _connection.ExpectAsync(m =>
        {
            if (m is RoomJoined j) joined.Add(j);
            if (m is HistoryBegin b) replays.Add(b);
            if (m is HistoryEnd e) ended.Add(e.Room);
            return ended.SetEquals(Rooms) || ended.Count > Rooms.Count;
        });
        Absorb();
        return (_connection.Welcome!, joined, replays);
    }

    /// <summary>Takes in what the live connection has received so far.</summary>
    public void Absorb()
    {
        if (_connection is null) return;
        var all = _connection.Received;
        for (; _absorbed < all.Count; _absorbed++)
        {
            var message = all[_absorbed];
            string? room = message switch
            {
                RoomMessage m => m.Room,
                RoomEvent e => e.Room,
                _ => null,
            };
            if (room is null) continue;
            if (!_entries.TryGetValue(room, out var list)) _entries[room] = list = [];
            list.Add(message);
            if (message is RoomMessage { Replay: false } own && own.From == Nick) _acked.Add(own.Text);
        }
    }

    public static ulong SeqOf(Message entry) => entry switch
    {
        RoomMessage m => m.Seq,
        RoomEvent e => e.Seq,
        _ => throw new ArgumentException($"{entry} is not a room entry.", nameof(entry)),
    };

    public async ValueTask DisposeAsync()
    {
        if (_connection is not null) await _connection.DisposeAsync();
    }
}
