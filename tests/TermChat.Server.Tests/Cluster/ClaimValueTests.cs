using System.Text;
using TermChat.Server.Cluster;
using TermChat.Server.Core;
using TermChat.Server.Core.Identity;

namespace TermChat.Server.Tests.Cluster;

/// <summary>The value of a nick's key in the cluster: what a node writes, another reads back.</summary>
public sealed class ClaimValueTests
{
    [Fact]
    public void A_claim_with_its_session_reads_back_as_written()
    {
        var written = new ClaimValue("node1", new SessionRecord("ABCD", "ann", "lunch", ["#lobby", "#red"], 1234, "SHA256:xy"));
        var read = ClaimValue.Parse(written.ToBytes());
        Assert.NotNull(read);
        Assert.Equal("node1", read.Node);
        Assert.Equal(("ABCD", "ann", "lunch", 1234L, "SHA256:xy"), (read.Session!.TokenHash, read.Session.Nick, read.Session.Away, read.Session.DetachedMs!.Value, read.Session.KeyFingerprint));
        Assert.Equal(["#lobby", "#red"], read.Session.Rooms);
    }

    [Fact]
    public void A_claim_made_while_registering_has_no_session()
    {
        var read = ClaimValue.Parse(new ClaimValue("node2", null).ToBytes());
        Assert.Equal(("node2", (SessionRecord?)null), (read!.Node, read.Session));
    }

    [Theory]
    [InlineData("")]
    [InlineData("not json")]
    [InlineData("{\"session\":{}}")]
    [InlineData("{\"node\":\"n\",\"session\":{\"nick\":\"ann\"}}")]
    [InlineData("[1,2]")]
    public void A_value_something_else_wrote_is_not_a_claim(string text) =>
        Assert.Null(ClaimValue.Parse(Encoding.UTF8.GetBytes(text)));

    [Fact]
    public void Look_alike_nicks_have_one_key_made_only_of_characters_keys_allow()
    {
        Assert.Equal(ClusterNicks.KeyOf("alice"), ClusterNicks.KeyOf("aIice"));
        Assert.Equal(ClusterNicks.KeyOf("alice"), ClusterNicks.KeyOf("ALICE"));
        Assert.Equal(ClusterNicks.KeyOf("mary"), ClusterNicks.KeyOf("rnary"));
        Assert.Equal(ClusterNicks.KeyOf("mary"), ClusterNicks.KeyOf("MARY"));
        Assert.NotEqual(ClusterNicks.KeyOf("alice"), ClusterNicks.KeyOf("alicia"));
        Assert.Matches("^n\\.[0-9a-f]+$", ClusterNicks.KeyOf("[ann]|^`"));
    }

    [Fact]
    public void Every_two_short_nicks_a_server_refuses_side_by_side_share_a_key()
    {
        // Two nicks clash on one server if they are equal ignoring case or have the same skeleton; across the cluster
        // they must have the same key. Every string of up to three nick characters, compared through both relations.
        const string Alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-[]{}|^`";
        var bySkeleton = new Dictionary<string, string>();
        var byCase = new Dictionary<string, string>();
        var clashes = new List<string>();
        foreach (string nick in Strings(Alphabet, 3))
        {
            string key = ClusterNicks.KeyOf(nick);
            string skeleton = NickSkeleton.Of(nick);
            string folded = nick.ToLowerInvariant();
            if (!bySkeleton.TryAdd(skeleton, key) && bySkeleton[skeleton] != key) clashes.Add(nick);
            if (!byCase.TryAdd(folded, key) && byCase[folded] != key) clashes.Add(nick);
        }
        Assert.Empty(clashes);
    }

    private static IEnumerable<string> Strings(string alphabet, int maxLength)
    {
        IEnumerable<string> level = [""];
        for (int length = 1; length <= maxLength; length++)
        {
            level = level.SelectMany(prefix => alphabet.Select(c => prefix + c)).ToList();
            foreach (string s in level) yield return s;
        }
    }
}
