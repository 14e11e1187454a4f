using TermChat.Protocol.Messages;
using static TermChat.Protocol.Tests.FrameTestData;
using static TermChat.TestKit.Wire.HandFrames;

namespace TermChat.Protocol.Tests;

/// <summary>Protocol version 2's history search messages and version negotiation, from frames built by hand.</summary>
public sealed class SearchMessageTests
{
    [Fact]
    public void A_hand_built_search_history_decodes_to_its_room_and_words()
    {
        Assert.Equal(new SearchHistory("#ops", "deploy 世界"), DecodeOne(SearchHistory("#ops", "deploy 世界")));
    }

    [Fact]
    public void A_hand_built_search_results_decodes_every_hit_in_order()
    {
        byte[] frame = Frame(0x8F, Str("#ops"), Str("deploy"), U16(2),
            U64(9), U64(1_763_790_003_000), Str("bob"), U8(1), Str("deploys \u001b[31m"),
            U64(3), U64(1_763_790_000_000), Str("ann"), U8(0), Str("deploy?"));

        var results = Assert.IsType<SearchResults>(DecodeOne(frame));

        Assert.Equal(new SearchResults("#ops", "deploy", new[]
        {
            new SearchHit(9, 1_763_790_003_000, "bob", MessageKind.Action, "deploys \u001b[31m"),
            new SearchHit(3, 1_763_790_000_000, "ann", MessageKind.Say, "deploy?"),
        }), results);
    }

    [Fact]
    public void Search_results_claiming_more_than_fifty_hits_are_malformed_before_any_is_read()
    {
        var hits = Enumerable.Range(0, 51).SelectMany(i => new[] { U64((ulong)i), U64(0), Str("ann"), U8(0), Str("x") });
        byte[] frame = Frame(0x8F, [Str("#ops"), Str("x"), U16(51), .. hits]);

        Assert.Equal(ErrorCode.MalformedFrame, DecodeFails(frame).Code);
    }

    [Fact]
    public void A_search_hit_with_an_unknown_kind_is_malformed()
    {
        byte[] frame = Frame(0x8F, Str("#ops"), Str("x"), U16(1), U64(1), U64(0), Str("ann"), U8(2), Str("x"));

        Assert.Equal(ErrorCode.MalformedFrame, DecodeFails(frame).Code);
    }

    [Fact]
    public void Search_words_over_two_hundred_bytes_are_too_long()
    {
        Assert.Equal(ErrorCode.TextTooLong, DecodeFails(SearchHistory("#ops", new string('w', 201))).Code);
    }

    [Fact]
    public void The_encoder_refuses_more_than_fifty_results()
    {
        var hits = Enumerable.Range(0, 51).Select(i => new SearchHit((ulong)i, 0, "ann", MessageKind.Say, "x")).ToArray();

        Assert.Throws<ArgumentException>(() => Codec.FrameEncoder.ToArray(new SearchResults("#ops", "x", hits)));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void A_hello_of_version_one_or_two_decodes_with_its_version(ushort version)
    {
        Assert.Equal(version, Assert.IsType<Hello>(DecodeOne(HelloVersion("ann", version))).Version);
    }

    [Fact]
    public void A_hello_of_a_version_newer_than_two_is_a_bad_handshake_naming_the_versions_spoken()
    {
        var refused = DecodeFails(HelloVersion("ann", 3));

        Assert.Equal(ErrorCode.BadHandshake, refused.Code);
        Assert.Contains("1 to 2", refused.Message, StringComparison.Ordinal);
    }
}
