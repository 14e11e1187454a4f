namespace TermChat.Server.Tests;

public sealed class ServerOptionsTests
{
    [Fact]
    public void The_defaults_are_valid_and_match_the_documented_limits()
    {
        var options = new ServerOptions();
        Assert.Null(options.Validate());
        Assert.Equal(
            (ServerMode.Async, 7777, 16384, 10.0, 120.0, 45.0, 10, 5.0, 1048576, 10000, 64, 200, 60.0),
            (options.Mode, options.Port, options.MaxFrameBytes, options.HandshakeTimeout.TotalSeconds, options.IdleTimeout.TotalSeconds,
                options.KeepaliveInterval.TotalSeconds, options.FloodBurst, options.FloodRate, options.MaxSendQueueBytes, options.MaxClients,
                options.MaxPerIp, options.HistorySize, options.ResumeWindow.TotalSeconds));
    }

    [Theory]
    [InlineData("--port")]
    [InlineData("--max-frame")]
    [InlineData("--idle-timeout")]
    [InlineData("--flood-rate")]
    [InlineData("--max-sendq")]
    [InlineData("--max-per-ip")]
    [InlineData("--name")]
    public void Each_bad_value_is_named_in_the_problem(string option)
    {
        var options = new ServerOptions();
        switch (option)
        {
            case "--port": options.Port = 70000; break;
            case "--max-frame": options.MaxFrameBytes = 2 * 1024 * 1024; break;
            case "--idle-timeout": options.IdleTimeout = TimeSpan.FromSeconds(30); break;
            case "--flood-rate": options.FloodRate = -1; break;
            case "--max-sendq": options.MaxSendQueueBytes = 10; break;
            case "--max-per-ip": options.MaxPerIp = 0; break;
            case "--name": options.ServerName = new string('n', 300); break;
        }
        Assert.StartsWith(option, options.Validate(), StringComparison.Ordinal);
    }
}
