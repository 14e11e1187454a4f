using System.Security.Cryptography.X509Certificates;
using TermChat.Protocol;
using TermChat.Protocol.Messages;
using TermChat.Protocol.Security;
using TermChat.TestKit.Server;

namespace TermChat.Server.Tests;

/// <summary>
/// Moderation as users meet it: clients with their own keys over TLS, an operator named by its key's fingerprint, a
/// durable data file, and a restart on it. The core's rules are tested in Core; this is the whole path, every mode.
/// </summary>
public sealed class ModerationOverTlsTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("termchat-moderation-tls-").FullName;
    private readonly X509Certificate2 _opKey = KeyFile.CreateEphemeral();
    private readonly X509Certificate2 _malloryKey = KeyFile.CreateEphemeral();
    private readonly X509Certificate2 _bystanderKey = KeyFile.CreateEphemeral();

    public void Dispose()
    {
        _opKey.Dispose();
        _malloryKey.Dispose();
        _bystanderKey.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    [Theory]
    [MemberData(nameof(ModeData.All), MemberType = typeof(ModeData))]
    public async Task An_operator_kicks_and_bans_by_key_and_the_ban_holds_across_a_reconnect_and_a_restart_on_the_same_data(ServerMode mode)
    {
        string malloryFp = KeyFingerprint.Of(_malloryKey);
        await using (var server = await StartAsync(mode))
        {
            await using var op = await TestChatClient.ConnectTlsAsync(server.EndPoint, "boss", _opKey);
            await using var mallory = await TestChatClient.ConnectTlsAsync(server.EndPoint, "mallory", _malloryKey);
            await using var bystander = await TestChatClient.ConnectTlsAsync(server.EndPoint, "carol", _bystanderKey);
            await bystander.ExpectAsync(m => m is RoomEvent { Kind: RoomEventKind.Join, Nick: "carol" });

            // A member with a key that is not an operator's is refused with the reason, and nothing happens.
            await mallory.SendAsync(new Moderate(ModerationAction.Kick, "#lobby", "boss", 0, "coup"));
            var refused = await mallory.ReceiveAsync<Error>();
            Assert.Equal((ErrorCode.NotOperator, "Only the server's operators may kick; your key is not one of theirs."), (refused.Code, refused.Text));

            await op.SendAsync(new Moderate(ModerationAction.Kick, "#lobby", "mallory", 0, "spam"));
            var kick = await bystander.ExpectAsync(m => m is RoomEvent { Kind: RoomEventKind.Kick });
            Assert.Equal(("#lobby", "boss", "mallory spam"), (((RoomEvent)kick).Room, ((RoomEvent)kick).Nick, ((RoomEvent)kick).Detail));
            Assert.Equal("boss kicked you from #lobby: spam", (await mallory.ReceiveAsync<Notice>()).Text);
            Assert.Equal("#lobby", (await mallory.ReceiveAsync<RoomParted>()).Room);

            // A kick is not a ban: mallory may come back in, and is then banned by key.
            await mallory.SendAsync(new JoinRoom("#lobby"));
            await bystander.ExpectAsync(m => m is RoomEvent { Kind: RoomEventKind.Join, Nick: "mallory" });
            await op.SendAsync(new Moderate(ModerationAction.Ban, "", malloryFp, 0, "abuse"));
            var ban = (RoomEvent)await bystander.ExpectAsync(m => m is RoomEvent { Kind: RoomEventKind.Ban });
            Assert.Equal(("boss", "mallory abuse"), (ban.Nick, ban.Detail));
            var removed = await mallory.ReceiveAsync<Error>();
            Assert.Equal((ErrorCode.Banned, "You are banned from this server by boss: abuse. The ban lasts until an operator lifts it."), (removed.Code, removed.Text));
            await mallory.WaitClosedAsync();

            // The ban is on the key, so another nick does not help.
            var again = await Assert.ThrowsAsync<ServerErrorException>(() => TestChatClient.ConnectTlsAsync(server.EndPoint, "innocent", _malloryKey));
            Assert.Equal(ErrorCode.Banned, again.Error.Code);
        }

        await using (var restarted = await StartAsync(mode))
        {
            var stillBanned = await Assert.ThrowsAsync<ServerErrorException>(() => TestChatClient.ConnectTlsAsync(restarted.EndPoint, "mallory", _malloryKey));
            Assert.Equal((ErrorCode.Banned, "You are banned from this server by boss: abuse. The ban lasts until an operator lifts it."), (stillBanned.Error.Code, stillBanned.Error.Text));

            // The operator is still known by its key after the restart, and lifting the ban lets mallory back.
            await using var op = await TestChatClient.ConnectTlsAsync(restarted.EndPoint, "boss", _opKey);
            await op.SendAsync(new Moderate(ModerationAction.Unban, "", malloryFp, 0, ""));
            Assert.Equal($"The ban on {malloryFp} is lifted.", (await op.ReceiveAsync<Notice>()).Text);
            await using var back = await TestChatClient.ConnectTlsAsync(restarted.EndPoint, "mallory", _malloryKey);
            Assert.Equal("mallory", back.Nick);
        }
    }

    [Theory]
    [MemberData(nameof(ModeData.All), MemberType = typeof(ModeData))]
    public async Task A_ban_by_nick_holds_across_a_restart_and_an_operators_nick_cannot_be_taken_by_another_key_or_a_look_alike(ServerMode mode)
    {
        await using (var server = await StartAsync(mode))
        {
            await using var op = await TestChatClient.ConnectTlsAsync(server.EndPoint, "boss", _opKey);
            await using var mallory = await TestChatClient.ConnectTlsAsync(server.EndPoint, "mallory", _malloryKey);
            await op.SendAsync(new Moderate(ModerationAction.Ban, "", "mallory", 3600, "flooding"));
            var removed = await mallory.ReceiveAsync<Error>();
            Assert.Equal(ErrorCode.Banned, removed.Code);
            Assert.Equal("You are banned from this server by boss: flooding. The ban lapses in 1 h.", removed.Text);
        }

        await using var restarted = await StartAsync(mode);
        var banned = await Assert.ThrowsAsync<ServerErrorException>(() => TestChatClient.ConnectTlsAsync(restarted.EndPoint, "mallory", _bystanderKey));
        Assert.Equal(ErrorCode.Banned, banned.Error.Code);
        foreach (string takeover in (string[])["boss", "b0ss", "BOSS"])
        {
            var owned = await Assert.ThrowsAsync<ServerErrorException>(() => TestChatClient.ConnectTlsAsync(restarted.EndPoint, takeover, _malloryKey));
            Assert.Equal(ErrorCode.NickOwned, owned.Error.Code);
            Assert.Contains("boss", owned.Error.Text, StringComparison.Ordinal);
        }
        var keyless = await Assert.ThrowsAsync<ServerErrorException>(() => TestChatClient.ConnectTlsAsync(restarted.EndPoint, "boss"));
        Assert.Equal(ErrorCode.NickOwned, keyless.Error.Code);
        await using var owner = await TestChatClient.ConnectTlsAsync(restarted.EndPoint, "boss", _opKey);
        Assert.Equal("boss", owner.Nick);
    }

    // The same data file, operators and key at every start, as `termchat serve --data … --op …` would have.
    private Task<TestServer> StartAsync(ServerMode mode) => TestServer.StartAsync(mode, o =>
    {
        o.DataFile = Path.Combine(_directory, "chat.db");
        o.Operators.Add(KeyFingerprint.Of(_opKey));
        o.ResumeWindow = TimeSpan.Zero;
        o.FloodRate = 0;
    });
}
