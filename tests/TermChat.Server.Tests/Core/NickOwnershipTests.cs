using Microsoft.Extensions.Logging.Abstractions;
using NSubstitute;
using TermChat.Protocol;
using TermChat.Server.Core;
using TermChat.Server.Core.Identity;
using TermChat.Server.History;
using TermChat.Server.Storage;

namespace TermChat.Server.Tests.Core;

/// <summary>
/// Nicks owned by keys (trust on first use): the core is given each client's key fingerprint as the transport
/// verified it, binds a nick to the first key that uses it and refuses it, and its look-alikes, to every other.
/// </summary>
public sealed class NickOwnershipTests : IDisposable
{
    private const string KeyA = "SHA256:key-of-alice";
    private const string KeyB = "SHA256:key-of-mallory";
    private readonly string _directory = Directory.CreateTempSubdirectory("termchat-owners-").FullName;
    private readonly List<IDisposable> _disposables = [];
    private ChatCore _core;

    public NickOwnershipTests()
    {
        _core = NewCore(store: null);
    }

    [Fact]
    public void A_nick_first_used_with_a_key_is_refused_to_another_key_and_to_a_client_without_one()
    {
        var alice = Register("alice", KeyA).Session!;
        _core.Quit(alice, "bye");

        var mallory = Register("alice", KeyB);
        Assert.Null(mallory.Session);
        Assert.Equal(ErrorCode.NickOwned, mallory.Refusal);
        Assert.Equal("The nick alice belongs to another key: choose another.", mallory.Problem);

        var keyless = Register("ALICE", null);
        Assert.Equal(ErrorCode.NickOwned, keyless.Refusal);
        Assert.Contains("a client without a key may use only nicks no key owns", keyless.Problem, StringComparison.Ordinal);

        Assert.NotNull(Register("alice", KeyA).Session);
    }

    [Fact]
    public void A_client_without_a_key_owns_nothing_so_a_keyed_client_may_take_its_nick_afterwards()
    {
        var keyless = Register("bob", null).Session!;
        _core.Quit(keyless, "bye");

        Assert.NotNull(Register("bob", KeyB).Session);
        Assert.Equal(1, _core.OwnedNickCount);
    }

    [Theory]
    [InlineData("aIice")]   // capital I for l
    [InlineData("a1ice")]   // digit 1 for l
    [InlineData("a|ice")]   // bar for l
    public void A_look_alike_of_an_owned_nick_is_refused_to_another_key(string lookAlike)
    {
        _core.Quit(Register("alice", KeyA).Session!, "bye");

        var refused = Register(lookAlike, KeyB);

        Assert.Equal(ErrorCode.NickOwned, refused.Refusal);
        Assert.Equal($"The nick {lookAlike} looks like alice, which belongs to another key: choose another.", refused.Problem);
    }

    [Fact]
    public void A_look_alike_of_a_nick_online_is_refused_even_without_keys()
    {
        Register("mary", null);
        Register("bOOk", null);

        var rn = Register("rnary", null);
        var zero = Register("b00k", null);

        Assert.Equal((ErrorCode.NickInUse, "The nick rnary looks like mary, which is in use; choose another."), (rn.Refusal, rn.Problem));
        Assert.Equal(ErrorCode.NickInUse, zero.Refusal);
    }

    [Theory]
    [InlineData("\u0430lice")]      // Cyrillic а
    [InlineData("alice\u200B")]     // zero-width space
    [InlineData("ali\u200Dce")]     // zero-width joiner
    [InlineData("\u0251lice")]      // Latin alpha: another script's look-alike
    public void A_nick_with_other_scripts_or_invisible_characters_is_refused(string nick)
    {
        var refused = Register(nick, KeyB);

        Assert.Equal((ErrorCode.InvalidNick, "A nick may contain only ASCII letters, digits and _-[]{}|^`."), (refused.Refusal, refused.Problem));
    }

    [Fact]
    public void The_skeleton_table_is_unicode_data_whole_and_maps_other_scripts_too()
    {
        Assert.Equal(6311, NickSkeleton.TableSize);
        Assert.Equal(NickSkeleton.Of("alice"), NickSkeleton.Of("\u0430lice"));
        Assert.Equal(NickSkeleton.Of("mary"), NickSkeleton.Of("rnary"));
        Assert.NotEqual(NickSkeleton.Of("alice"), NickSkeleton.Of("allce"));
    }

    [Fact]
    public void Changing_to_a_nick_another_key_owns_is_refused_and_the_session_goes_on()
    {
        _core.Quit(Register("alice", KeyA).Session!, "bye");
        var sink = Substitute.For<ISessionSink>();
        var mallory = _core.Register(sink, "mallory", ResumeToken.None, [], KeyB).Session!;

        _core.ChangeNick(mallory, "aIice");

        sink.Received(1).Error(ErrorCode.NickOwned, "The nick aIice looks like alice, which belongs to another key: choose another.");
        Assert.Equal("mallory", mallory.Nick);
        _core.ChangeNick(mallory, "mal");
        sink.Received(1).NickChanged("mallory", "mal");
    }

    [Fact]
    public void A_released_nick_can_be_taken_by_another_key_once_its_owner_has_left()
    {
        var sink = Substitute.For<ISessionSink>();
        var alice = _core.Register(sink, "alice", ResumeToken.None, [], KeyA).Session!;

        _core.ReleaseNick(alice);
        sink.Received(1).Notice("Your key no longer owns the nick alice; anyone may take it once you stop using it.");
        Assert.Equal(ErrorCode.NickInUse, Register("alice", KeyB).Refusal);
        _core.Quit(alice, "bye");

        Assert.NotNull(Register("alice", KeyB).Session);
    }

    [Fact]
    public void Releasing_a_nick_the_key_does_not_own_is_refused()
    {
        var keyless = Substitute.For<ISessionSink>();
        var bob = _core.Register(keyless, "bob", ResumeToken.None, [], null).Session!;
        _core.ReleaseNick(bob);
        keyless.Received(1).Error(ErrorCode.NotAllowed, "Only a client with a key owns nicks; there is nothing to release.");

        _core.Quit(Register("alice", KeyA).Session!, "bye");
        var sink = Substitute.For<ISessionSink>();
        var alias = _core.Register(sink, "aIice", ResumeToken.None, [], KeyA).Session!;
        _core.ReleaseNick(alias);
        sink.Received(1).Error(ErrorCode.NotAllowed, "Your key does not own the nick aIice.");
    }

    [Fact]
    public void A_session_opened_with_a_key_is_not_resumed_with_another_key()
    {
        var sink = Substitute.For<ISessionSink>();
        ResumeToken token = default;
        sink.Welcome("alice", Arg.Do<ResumeToken>(t => token = t), false);
        var alice = _core.Register(sink, "alice", ResumeToken.None, [], KeyA).Session!;
        _core.Detach(alice, sink, "lost");

        var stolen = _core.Register(Substitute.For<ISessionSink>(), "alice", token, [], KeyB);
        Assert.Equal(ErrorCode.NickOwned, stolen.Refusal);

        var resumed = _core.Register(Substitute.For<ISessionSink>(), "alice", token, [], KeyA);
        Assert.Same(alice, resumed.Session);
    }

    [Fact]
    public void Ownership_survives_a_restart_on_the_same_data_file_and_a_release_does_too()
    {
        string path = Path.Combine(_directory, "chat.db");
        var store = OpenStore(path);
        _core = NewCore(store);
        _core.Quit(Register("alice", KeyA).Session!, "bye");
        var carol = Register("carol", KeyA).Session!;
        _core.ReleaseNick(carol);
        _core.Quit(carol, "bye");
        store.Dispose();

        var reopened = OpenStore(path);
        _core = NewCore(reopened);

        Assert.Equal(1, _core.OwnedNickCount);
        Assert.Equal(ErrorCode.NickOwned, Register("alice", KeyB).Refusal);
        Assert.NotNull(Register("carol", KeyB).Session);
    }

    public void Dispose()
    {
        foreach (var disposable in _disposables) disposable.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    private Registration Register(string nick, string? key) =>
        _core.Register(Substitute.For<ISessionSink>(), nick, ResumeToken.None, [], key);

    private SqliteStore OpenStore(string path)
    {
        var store = SqliteStore.Open(path, new ServerOptions(), NullLogger.Instance);
        _disposables.Add(store);
        return store;
    }

    private ChatCore NewCore(SqliteStore? store)
    {
        var options = new ServerOptions { FloodRate = 0 };
        IRoomLog log = store is null ? new MemoryRoomLog(options) : store.RoomLog;
        return new ChatCore(options, new ServerStats(), log, NullLogger.Instance, store, store);
    }
}
