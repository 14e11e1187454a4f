namespace TermChat.Server;

/// <summary>
/// Which settings a running server takes on a reload (SIGHUP), and which need a restart. The server reads its
/// options on every use, so a changed limit applies to the next connection, message or room; connections and
/// rooms that exist keep what they were given (a flood bucket, a room's history bound).
/// </summary>
public static class LiveSettings
{
    /// <summary>
    /// Copies every live setting that differs from <paramref name="next"/> into <paramref name="current"/>.
    /// </summary>
    /// <returns>The option names that changed, and those that differ but need a restart (mode, port, address, frame limit).</returns>
    public static (IReadOnlyList<string> Applied, IReadOnlyList<string> NeedRestart) Apply(ServerOptions current, ServerOptions next)
    {
        ArgumentNullException.ThrowIfNull(current);
        ArgumentNullException.ThrowIfNull(next);
        var applied = new List<string>();
        void Take<T>(string name, T now, T wanted, Action<T> set)
        {
            if (!EqualityComparer<T>.Default.Equals(now, wanted))
            {
                set(wanted);
                applied.Add(name);
            }
        }
        Take("--name", current.ServerName, next.ServerName, v => current.ServerName = v);
        Take("--motd", current.Motd, next.Motd, v => current.Motd = v);
        Take("--handshake-timeout", current.HandshakeTimeout, next.HandshakeTimeout, v => current.HandshakeTimeout = v);
        Take("--idle-timeout", current.IdleTimeout, next.IdleTimeout, v => current.IdleTimeout = v);
        Take("--keepalive", current.KeepaliveInterval, next.KeepaliveInterval, v => current.KeepaliveInterval = v);
        Take("--flood-burst", current.FloodBurst, next.FloodBurst, v => current.FloodBurst = v);
        Take("--flood-rate", current.FloodRate, next.FloodRate, v => current.FloodRate = v);
        Take("--max-sendq", current.MaxSendQueueBytes, next.MaxSendQueueBytes, v => current.MaxSendQueueBytes = v);
        Take("--max-clients", current.MaxClients, next.MaxClients, v => current.MaxClients = v);
        Take("--max-per-ip", current.MaxPerIp, next.MaxPerIp, v => current.MaxPerIp = v);
        Take("--history", current.HistorySize, next.HistorySize, v => current.HistorySize = v);
        Take("--history-bytes", current.HistoryBytes, next.HistoryBytes, v => current.HistoryBytes = v);
        Take("--max-rooms", current.MaxRooms, next.MaxRooms, v => current.MaxRooms = v);
        Take("--resume-window", current.ResumeWindow, next.ResumeWindow, v => current.ResumeWindow = v);
        Take("--max-rooms-per-user", current.MaxRoomsPerUser, next.MaxRoomsPerUser, v => current.MaxRoomsPerUser = v);

        var restart = new List<string>();
        if (current.Mode != next.Mode) restart.Add("--mode");
        if (current.Port != next.Port && next.Port != 0) restart.Add("--port");
        if (!Equals(current.Bind, next.Bind)) restart.Add("--bind");
        if (current.IrcPort != next.IrcPort && next.IrcPort != 0) restart.Add("--irc-port");
        if (current.LinePort != next.LinePort && next.LinePort != 0) restart.Add("--line-port");
        if (current.MaxFrameBytes != next.MaxFrameBytes) restart.Add("--max-frame");
        if (current.StatsInterval != next.StatsInterval) restart.Add("--stats-interval");
        if (current.Plaintext != next.Plaintext) restart.Add("--allow-plaintext/--require-tls");
        return (applied, restart);
    }
}
