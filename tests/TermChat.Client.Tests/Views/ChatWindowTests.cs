namespace TermChat.Client.Tests.Views;

public sealed class ChatWindowTests
{
    [Fact]
    public void Greeting()
    {
        using var h = new GuiHarness(80, 24);
        h.Join("#lobby", "", "alice", "bob", "carol");
        var s = h.Draw();
        Assert.Fail(string.Join("\n", s));
    }
}
