using NSubstitute;
using TermChat.Server.Core.Identity;
using TermChat.Server.Core.Moderation;

namespace TermChat.Server.Tests.Core;

/// <summary>
/// Bindings and bans another server decided (a cluster) replace what this server held, and releases and unbans from
/// elsewhere forget exactly what they name; none of it is written back to the store.
/// </summary>
public sealed class SharedRulesTests
{
    [Fact]
    public void A_binding_from_another_server_replaces_a_local_one_of_a_look_alike_and_is_not_stored_again()
    {
        var store = Substitute.For<INickOwnerStore>();
        store.LoadOwners().Returns([]);
        var registry = new NickRegistry(store);
        registry.Claim("aIice", "SHA256:local", 1);

        registry.Apply(new NickOwner("alice", "SHA256:cluster", 2));
        Assert.Equal(1, registry.Count);
        Assert.True(registry.TryGetOwner("aIice", out var owner));
        Assert.Equal("SHA256:cluster", owner.Fingerprint);
        Assert.NotNull(registry.Refusal("alice", "SHA256:local"));
        store.DidNotReceive().SaveOwner(Arg.Is<NickOwner>(o => o.Fingerprint == "SHA256:cluster"));
    }

    [Fact]
    public void A_release_from_another_server_forgets_the_binding_only_if_it_is_the_same_keys()
    {
        var registry = new NickRegistry(null);
        registry.Apply(new NickOwner("alice", "SHA256:new", 2));

        registry.Forget(new NickOwner("alice", "SHA256:old", 1));
        Assert.Equal(1, registry.Count);
        registry.Forget(new NickOwner("ALICE", "SHA256:new", 2));
        Assert.Equal(0, registry.Count);
        Assert.Null(registry.Refusal("aIice", null));
    }

    [Fact]
    public void A_ban_from_another_server_holds_here_and_an_unban_from_there_lifts_it_without_touching_the_store()
    {
        var store = Substitute.For<IBanStore>();
        store.LoadBans().Returns([]);
        var bans = new BanList(store);
        var ban = new Ban(BanKind.Nick, "mallory", null, "spam", "boss");

        bans.Apply(ban);
        Assert.Equal(ban, bans.Match("MALLORY", null, null, 0));
        Assert.Equal(ban, bans.Find("Mallory"));
        bans.Forget("mallory");
        Assert.Null(bans.Match("mallory", null, null, 0));
        store.DidNotReceiveWithAnyArgs().SaveBan(default!);
        store.DidNotReceiveWithAnyArgs().DeleteBan(default!);
    }
}
