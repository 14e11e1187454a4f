using TermChat.Protocol;
using TermChat.Protocol.Messages;
using TermChat.TestKit.Server;

namespace TermChat.Server.Tests.Cluster;

/// <summary>What the cluster tests do with a client again and again: join a room, read a refusal.</summary>
internal static class ClusterClient
{
    /// <summary>Joins <paramref name="room"/> and waits for the join, allowing for a loaded machine.</summary>
    public static async Task JoinAsync(TestChatClient client, string room)
    {
        await client.SendAsync(new JoinRoom(room));
        await client.ExpectAsync(m => m is RoomJoined joined && joined.Room == room, ClusterOwnershipTests.Propagation);
    }

    /// <summary>An error as its code and text, to compare both in one assertion.</summary>
    public static (ErrorCode, string) Refusal(Error error) => (error.Code, error.Text);
}
