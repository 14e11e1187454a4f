using System.Globalization;
using NSubstitute;
using TermChat.Client.App;
using TermChat.Client.Session;
using TermChat.Protocol.Text;
using TermChat.Protocol;
using TermChat.Protocol.Messages;
using TermChat.TestKit.Server;

namespace TermChat.Client.Tests.App;

/// <summary>/search: what it sends, what it refuses locally, and how the results land in the room's pane.</summary>
public sealed class ChatAppSearchTests
{
    private const long Time = 1_763_790_000_000;
    private readonly IChatSession _session = Substitute.For<IChatSession>();
    private readonly ChatApp _app;

    public ChatAppSearchTests()
    {
        _session.Nick.Returns("alice");
        _session.TransportName.Returns("TCP");
        _session.Server.Returns("127.0.0.1:7777");
        _app = new ChatApp(_session, new ChatAppOptions { TimeProvider = new ManualTimeProvider() });
    }

    private IReadOnlyList<ChatEntry> Apply(params Message[] messages) =>
        messages.SelectMany(m => _app.Apply(new ServerMessageEvent(m))).ToList();

    private void Connect(ushort version = ProtocolLimits.Version, string room = "#ops")
    {
        Apply(new Welcome(version, "alice", new ResumeToken(1, 2), false, "test", "async", 15, ""));
        Apply(new RoomJoined(room, "", 0, new[] { new Member("alice", "") }), new HistoryBegin(room, 1, 0, 0), new HistoryEnd(room));
    }

    private static string At(long timeMs) =>
        DateTimeOffset.FromUnixTimeMilliseconds(timeMs).ToLocalTime().ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);

    [Fact]
    public async Task Search_asks_the_server_about_the_current_room_with_the_words_trimmed()
    {
        Connect();

        var result = await _app.SubmitAsync("/search   deploy failed  ", CancellationToken.None);

        Assert.Empty(result.Entries);
        await _session.Received(1).SendAsync(new SearchHistory("#ops", "deploy failed"), Arg.Any<CancellationToken>());
    }

    [Theory]
    [InlineData("/search", "usage: /search WORDS")]
    [InlineData("/search    ", "usage: /search WORDS")]
    public async Task Search_without_words_shows_its_usage_and_sends_nothing(string line, string start)
    {
        Connect();

        var result = await _app.SubmitAsync(line, CancellationToken.None);

        Assert.StartsWith(start, Assert.Single(result.Entries).Text, StringComparison.Ordinal);
        await _session.DidNotReceiveWithAnyArgs().SendAsync(default!, default);
    }

    [Fact]
    public async Task Search_words_over_the_wire_limit_are_refused_locally()
    {
        Connect();

        var result = await _app.SubmitAsync("/search " + new string('w', ProtocolLimits.MaxSearchBytes + 1), CancellationToken.None);

        Assert.Equal($"a search has at most {ProtocolLimits.MaxSearchBytes} bytes", Assert.Single(result.Entries).Text);
        await _session.DidNotReceiveWithAnyArgs().SendAsync(default!, default);
    }

    [Fact]
    public async Task Search_in_a_private_conversation_explains_that_it_searches_rooms()
    {
        Connect();
        Apply(new PrivateMessage("bob", "alice", Time, "hi"));
        Assert.True(_app.SelectRoom("bob"));

        var result = await _app.SubmitAsync("/search hello", CancellationToken.None);

        Assert.Equal("/search searches a room: switch to one first", Assert.Single(result.Entries).Text);
        await _session.DidNotReceiveWithAnyArgs().SendAsync(default!, default);
    }

    [Fact]
    public async Task On_a_version_1_server_search_is_reported_unavailable_and_nothing_is_sent()
    {
        Connect(version: 1);

        var result = await _app.SubmitAsync("/search deploy", CancellationToken.None);

        var entry = Assert.Single(result.Entries);
        Assert.Equal(EntryKind.Error, entry.Kind);
        Assert.Equal("/search is unavailable: this server speaks protocol version 1, which has no history search", entry.Text);
        await _session.DidNotReceiveWithAnyArgs().SendAsync(default!, default);
    }

    [Fact]
    public void Results_show_a_header_then_one_line_per_match_with_time_nick_and_text_in_the_rooms_pane()
    {
        Connect();

        var lines = Apply(new SearchResults("#ops", "deploy", new[]
        {
            new SearchHit(9, Time + 60_000, "bob", MessageKind.Action, "deploys again"),
            new SearchHit(3, Time, "carol", MessageKind.Say, "deploy failed"),
        }));

        Assert.Equal(
        [
            "2 matches for \"deploy\" in #ops, newest first:",
            $"  {At(Time + 60_000)} * bob deploys again",
            $"  {At(Time)} <carol> deploy failed",
        ], lines.Select(e => e.Text));
        Assert.All(lines, e => Assert.Equal(("#ops", EntryKind.Notice), (e.Room, e.Kind)));
        Assert.Equal(lines, _app.Rooms.Single(r => r.Name == "#ops").Entries.TakeLast(3));
    }

    [Fact]
    public void No_results_say_so_in_one_line()
    {
        Connect();

        var lines = Apply(new SearchResults("#ops", "zebra", ValueList<SearchHit>.Empty));

        Assert.Equal(["no matches for \"zebra\" in #ops"], lines.Select(e => e.Text));
    }

    [Fact]
    public void Escape_sequences_in_a_result_never_reach_the_terminal_through_the_sanitizer()
    {
        Connect();

        var lines = Apply(new SearchResults("#ops", "x", new[] { new SearchHit(2, Time, "bob\u001b[2J", MessageKind.Say, "x \u001b]0;pwned\u0007 \u009b31m") }));

        string shown = TextSanitizer.Sanitize(lines[1].Text);
        Assert.DoesNotContain(shown, c => c == '\u001b' || c == '\u0007' || c == '\u009b');
    }
}
