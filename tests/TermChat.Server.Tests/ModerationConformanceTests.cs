using TermChat.Protocol;
using TermChat.TestKit.Server;
using TermChat.TestKit.Wire;
using static TermChat.TestKit.Wire.HandFrames;

namespace TermChat.Server.Tests;

/// <summary>
/// Protocol version 3's moderation over real sockets, with frames built byte by byte from PROTOCOL.md and answers
/// read field by field: the server password, refusals of non-operators, and older sessions kept working.
/// </summary>
public sealed class ModerationConformanceTests
{
    private const byte Welcome = 0x81, Error = 0x8E, HistoryEnd = 0x8A, RoomModes = 0x90;

    [Theory]
    [MemberData(nameof(ModeData.All), MemberType = typeof(ModeData))]
    public async Task A_server_password_refuses_a_wrong_or_missing_one_and_admits_the_right_one(ServerMode mode)
    {
        await using var server = await TestServer.StartAsync(mode, o => o.Password = "letmein");

        Assert.Equal((ErrorCode.BadPassword, "That is not this server's password."), await RefusalAsync(server, Hello3("ann", "guess")));
        Assert.Equal(ErrorCode.BadPassword, (await RefusalAsync(server, Hello3("ann"))).Code);
        Assert.Equal(ErrorCode.BadPassword, (await RefusalAsync(server, HelloVersion("ann", 2))).Code);

        using var ann = await RawPeer.ConnectAsync(server.EndPoint);
        await ann.SendAsync(Hello3("ann", "letmein"));
        var frames = await ann.ReceiveUntilAsync(RoomModes, "#lobby");
        Assert.Equal(Welcome, frames[0][4]);
        var modes = new WireFields(frames[^1]);
        Assert.Equal(("#lobby", (byte)0, (ushort)0, (ushort)0), (modes.Str(), modes.U8(), modes.U16(), modes.U16()));
        Assert.Equal(0, modes.Remaining);
    }

    [Theory]
    [MemberData(nameof(ModeData.All), MemberType = typeof(ModeData))]
    public async Task Every_moderation_action_from_a_client_that_is_no_operator_gets_not_operator_and_nothing_changes(ServerMode mode)
    {
        await using var server = await TestServer.StartAsync(mode, o => o.FloodRate = 0);
        using var bob = await RegisterAsync(server, "bob");
        using var mallory = await RegisterAsync(server, "mallory");

        for (byte action = 2; action <= 17; action++)
        {
            await mallory.SendAsync(Moderate(action, "#lobby", "bob", 60, "because"));
            var error = new WireFields((await mallory.ReceiveUntilAsync(Error))[^1]);
            Assert.Equal((ushort)ErrorCode.NotOperator, error.U16());
            Assert.StartsWith("Only the server's operators may ", error.Str(), StringComparison.Ordinal);
        }
        await mallory.SendAsync(Moderate(1, "", ""));
        var release = new WireFields((await mallory.ReceiveUntilAsync(Error))[^1]);
        Assert.Equal(((ushort)ErrorCode.NotAllowed, "Only a client with a key owns nicks; there is nothing to release."), (release.U16(), release.Str()));

        // bob is still there and may still speak.
        await bob.SendAsync(Say("#lobby", "still here"));
        await bob.ReceiveUntilAsync(0x82);
        Assert.Equal(2, server.Server.SessionCount);
    }

    [Theory]
    [MemberData(nameof(ModeData.All), MemberType = typeof(ModeData))]
    public async Task A_version_two_session_is_refused_the_version_three_requests_and_an_unknown_action_is_malformed(ServerMode mode)
    {
        await using var server = await TestServer.StartAsync(mode);
        using var old = await RawPeer.ConnectAsync(server.EndPoint);
        await old.SendAsync(HelloVersion("old", 2));
        await old.ReceiveUntilAsync(HistoryEnd, "#lobby");

        await old.SendAsync(JoinKeyed("#ops", "k"));
        var error = new WireFields((await old.ReceiveUntilAsync(Error))[^1]);
        Assert.Equal(((ushort)ErrorCode.NotAllowed, "JoinKeyed needs protocol version 3; this session speaks version 2."), (error.U16(), error.Str()));

        using var prober = await RegisterAsync(server, "prober");
        await prober.SendAsync(Moderate(18, "#lobby", "old"));
        var fatal = await prober.ReceiveToEndAsync();
        Assert.Equal((ushort)ErrorCode.MalformedFrame, new WireFields(fatal[^1]).U16());
    }

    private static async Task<RawPeer> RegisterAsync(TestServer server, string nick)
    {
        var peer = await RawPeer.ConnectAsync(server.EndPoint);
        await peer.SendAsync(Hello3(nick));
        await peer.ReceiveUntilAsync(RoomModes, "#lobby");
        return peer;
    }

    private static async Task<(ErrorCode Code, string Text)> RefusalAsync(TestServer server, byte[] hello)
    {
        using var peer = await RawPeer.ConnectAsync(server.EndPoint);
        await peer.SendAsync(hello);
        var refusal = new WireFields(Assert.Single(await peer.ReceiveToEndAsync()));
        Assert.Equal(Error, refusal.Type);
        return ((ErrorCode)refusal.U16(), refusal.Str());
    }
}
