using TermChat.Protocol;
using TermChat.TestKit.Wire;
using TermChat.TestKit.Server;
using static TermChat.TestKit.Wire.HandFrames;

namespace TermChat.Server.Tests;

/// <summary>
/// History search over real sockets (issue 14), against the in-memory log and a SQLite data file, with frames built
/// byte by byte and answers read field by field.
/// </summary>
public sealed class SearchIntegrationTests : IDisposable
{
    private const byte Welcome = 0x81, RoomMessage = 0x82, HistoryEnd = 0x8A, Error = 0x8E, SearchResults = 0x8F;
    private readonly string _directory = Directory.CreateTempSubdirectory("termchat-search-").FullName;

    public static TheoryData<bool> Logs() => new() { false, true };

    [Theory]
    [MemberData(nameof(Logs))]
    public async Task A_search_answers_the_matching_messages_newest_first_with_escape_sequences_kept_as_data(bool durable)
    {
        await using var server = await StartAsync(durable);
        using var ann = await RegisterAsync(server, "ann", version: 2);
        await ann.SendAsync(JoinRoom("#ops"));
        await ann.ReceiveUntilAsync(HistoryEnd, "#ops");
        await ann.SendAsync(Say("#ops", "deploy \u001b[2J\u001b]0;pwned\u0007 now"), Say("#ops", "lunch?"), Say("#ops", "Deploy done"));
        // The echo is the acknowledgement: once the last one is here every message is stored.
        for (int i = 0; i < 3; i++) await ann.ReceiveUntilAsync(RoomMessage, "#ops");

        await ann.SendAsync(SearchHistory("#OPS", "deploy"));
        var (room, words, hits) = ReadResults((await ann.ReceiveUntilAsync(SearchResults)).Last());

        Assert.Equal("#ops", room);
        Assert.Equal("deploy", words);
        Assert.Equal([(4UL, "ann", (byte)0, "Deploy done"), (2UL, "ann", (byte)0, "deploy \u001b[2J\u001b]0;pwned\u0007 now")],
            hits.Select(h => (h.Seq, h.From, h.Kind, h.Text)));
        Assert.True(hits[0].TimeMs >= hits[1].TimeMs);
    }

    [Theory]
    [MemberData(nameof(Logs))]
    public async Task A_search_answers_at_most_fifty_results_the_newest(bool durable)
    {
        await using var server = await StartAsync(durable);
        using var ann = await RegisterAsync(server, "ann", version: 2);
        await ann.SendAsync([.. Enumerable.Range(1, 60).Select(i => Say("#lobby", $"match {i}"))]);
        for (int i = 0; i < 60; i++) await ann.ReceiveUntilAsync(RoomMessage, "#lobby");

        await ann.SendAsync(SearchHistory("#lobby", "match"));
        var (_, _, hits) = ReadResults((await ann.ReceiveUntilAsync(SearchResults)).Last());

        Assert.Equal(ProtocolLimits.MaxSearchResults, hits.Count);
        Assert.Equal(Enumerable.Range(11, 50).Reverse().Select(i => $"match {i}"), hits.Select(h => h.Text));
    }

    [Fact]
    public async Task A_version_1_session_is_welcomed_as_version_1_and_its_search_is_refused_without_harm()
    {
        await using var server = await StartAsync(durable: false);
        using var old = await RegisterAsync(server, "old", version: 1);

        await old.SendAsync(SearchHistory("#lobby", "anything"), Ping(5));

        var frames = await old.ReceiveUntilAsync(0x21);
        Assert.Equal(ErrorCode.NotAllowed, ErrorCodeOf(Assert.Single(frames, f => f[4] == Error)));
        Assert.DoesNotContain(frames, f => f[4] == SearchResults);
    }

    [Theory]
    [InlineData("#lobby", "   ", ErrorCode.NotAllowed)]
    [InlineData("#bad room", "deploy", ErrorCode.InvalidRoom)]
    public async Task A_bad_search_gets_one_clear_error_and_the_session_goes_on(string room, string words, ErrorCode code)
    {
        await using var server = await StartAsync(durable: false);
        using var ann = await RegisterAsync(server, "ann", version: 2);

        await ann.SendAsync(SearchHistory(room, words), Ping(9));

        var frames = await ann.ReceiveUntilAsync(0x21);
        var error = Assert.Single(frames, f => f[4] == Error);
        Assert.Equal(code, ErrorCodeOf(error));
        var fields = new WireFields(error);
        fields.U16();
        Assert.DoesNotContain('\n', fields.Str());
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private Task<TestServer> StartAsync(bool durable) => TestServer.StartAsync(ServerMode.Async, o =>
    {
        o.FloodRate = 0;
        if (durable) o.DataFile = Path.Combine(_directory, "search.db");
    });

    private static async Task<RawPeer> RegisterAsync(TestServer server, string nick, ushort version)
    {
        var peer = await RawPeer.ConnectAsync(server.EndPoint);
        await peer.SendAsync(HelloVersion(nick, version));
        var frames = await peer.ReceiveUntilAsync(HistoryEnd, "#lobby");
        Assert.Equal(Welcome, frames[0][4]);
        Assert.Equal(version, new WireFields(frames[0]).U16());
        return peer;
    }

    private static (string Room, string Words, List<(ulong Seq, long TimeMs, string From, byte Kind, string Text)> Hits) ReadResults(byte[] frame)
    {
        var fields = new WireFields(frame);
        Assert.Equal(SearchResults, fields.Type);
        string room = fields.Str();
        string words = fields.Str();
        int count = fields.U16();
        var hits = new List<(ulong, long, string, byte, string)>();
        for (int i = 0; i < count; i++)
        {
            hits.Add((fields.U64(), (long)fields.U64(), fields.Str(), fields.U8(), fields.Str()));
        }
        Assert.Equal(0, fields.Remaining);
        return (room, words, hits);
    }

    private static ErrorCode ErrorCodeOf(byte[] frame)
    {
        var fields = new WireFields(frame);
        Assert.Equal(Error, fields.Type);
        return (ErrorCode)fields.U16();
    }
}
