using TermChat.Server;

namespace TermChat.Server.Tests;

/// <summary>The modes every integration test runs against.</summary>
public static class ModeData
{
    public static TheoryData<ServerMode> All => new() { ServerMode.Select, ServerMode.Threads, ServerMode.Async };
}
