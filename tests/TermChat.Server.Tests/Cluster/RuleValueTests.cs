using System.Text;
using TermChat.Server.Cluster;
using TermChat.Server.Core.Identity;
using TermChat.Server.Core.Moderation;

namespace TermChat.Server.Tests.Cluster;

/// <summary>
/// The values of the cluster's owners, bans and access buckets: what a node writes, another reads back, and what it
/// ignores.
/// </summary>
public sealed class RuleValueTests
{
    [Fact]
    public void A_binding_reads_back_as_written_under_its_nicks_key_and_under_a_look_alikes()
    {
        var owner = new NickOwner("alice", "SHA256:abc", 1234);
        Assert.Equal(owner, OwnerValue.Parse(ClusterRules.OwnerKey("alice"), OwnerValue.ToBytes(owner)));
        // One key per look-alike skeleton, made only of characters keys allow.
        Assert.Equal(ClusterRules.OwnerKey("alice"), ClusterRules.OwnerKey("aIice"));
        Assert.Equal(ClusterRules.OwnerKey("mary"), ClusterRules.OwnerKey("RNARY"));
        Assert.Matches("^o\\.[0-9a-f]+$", ClusterRules.OwnerKey("[ann]|^`"));
    }

    [Theory]
    [InlineData("")]
    [InlineData("not json")]
    [InlineData("""{"nick":"alice","key":"SHA256:abc"}""")]
    [InlineData("""{"nick":"alice","key":"","since_ms":1}""")]
    [InlineData("""{"nick":"9lives","key":"SHA256:abc","since_ms":1}""")]
    [InlineData("""{"nick":"bob","key":"SHA256:abc","since_ms":1}""")]
    public void A_value_that_is_no_binding_of_the_keys_nick_binds_nothing(string text) =>
        Assert.Null(OwnerValue.Parse(ClusterRules.OwnerKey("alice"), Encoding.UTF8.GetBytes(text)));

    [Theory]
    [InlineData("SHA256:Abc+/=", "Key", 99L)]
    [InlineData("10.0.0.0/8", "Address", null)]
    [InlineData("mallory", "Nick", 5L)]
    public void A_ban_reads_back_as_written_with_what_its_target_matches(string target, string kind, long? expires)
    {
        var ban = new Ban(Enum.Parse<BanKind>(kind), target, expires, "spam", "boss");
        Assert.Equal(ban, BanValue.Parse(ClusterRules.BanKey(target), BanValue.ToBytes(ban)));
    }

    [Fact]
    public void Ban_targets_that_a_server_tells_apart_only_by_case_share_a_key()
    {
        Assert.Equal(ClusterRules.BanKey("Mallory"), ClusterRules.BanKey("mallory"));
        Assert.NotEqual(ClusterRules.BanKey("mallory"), ClusterRules.BanKey("mallorv"));
        Assert.Matches("^b\\.[0-9a-f]+$", ClusterRules.BanKey("SHA256:a/b+c="));
    }

    [Theory]
    [InlineData("")]
    [InlineData("{}")]
    [InlineData("""{"target":"mallory"}""")]
    [InlineData("""{"target":"not a target!","reason":"","by":"x"}""")]
    [InlineData("""{"target":"carol","reason":"","by":"x"}""")]
    public void A_value_that_is_no_ban_on_the_keys_target_bans_nobody(string text) =>
        Assert.Null(BanValue.Parse(ClusterRules.BanKey("mallory"), Encoding.UTF8.GetBytes(text)));

    [Theory]
    [InlineData("#ops", "bob", 1_700_000_000_000L)]
    [InlineData("#a-b_c", "[ann]|^`", RoomMute.UntilUnmuted)]
    public void A_mute_reads_back_as_written_with_its_deadline(string room, string nick, long untilMs)
    {
        var mute = new RoomMute(room, nick, untilMs);
        Assert.Equal(mute, MuteValue.Parse(ClusterRules.MuteKey(room, nick), MuteValue.ToBytes(mute)));
        Assert.Matches("^m\\.[0-9a-f]+\\.[0-9a-f]+$", ClusterRules.MuteKey(room, nick));
    }

    [Fact]
    public void A_mute_until_unmuted_carries_no_deadline_and_nicks_told_apart_only_by_case_share_a_key()
    {
        Assert.Equal("""{"room":"#ops","nick":"Bob"}""", Encoding.UTF8.GetString(MuteValue.ToBytes(new RoomMute("#ops", "Bob", RoomMute.UntilUnmuted))));
        Assert.Equal(ClusterRules.MuteKey("#ops", "Bob"), ClusterRules.MuteKey("#ops", "bob"));
        Assert.NotEqual(ClusterRules.MuteKey("#ops", "bob"), ClusterRules.MuteKey("#op", "sbob"));
    }

    [Theory]
    [InlineData("")]
    [InlineData("{}")]
    [InlineData("""{"room":"#ops"}""")]
    [InlineData("""{"room":"#ops","nick":"bob","until_ms":0}""")]
    [InlineData("""{"room":"#ops","nick":"bob","until_ms":"soon"}""")]
    [InlineData("""{"room":"#OPS","nick":"bob"}""")]
    [InlineData("""{"room":"#ops","nick":"9lives"}""")]
    [InlineData("""{"room":"#dev","nick":"bob"}""")]
    [InlineData("""{"room":"#ops","nick":"carol"}""")]
    public void A_value_that_is_no_mute_of_the_keys_nick_in_the_keys_room_mutes_nobody(string text) =>
        Assert.Null(MuteValue.Parse(ClusterRules.MuteKey("#ops", "bob"), Encoding.UTF8.GetBytes(text)));
}
