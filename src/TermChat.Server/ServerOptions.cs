using System.Net;
using System.Security.Cryptography.X509Certificates;
using TermChat.Protocol;
using TermChat.Server.Cluster;
using TermChat.Protocol.Datagrams;
using TermChat.Server.Security;

namespace TermChat.Server;

/// <summary>
/// Every server setting with its default. The defaults are documented in the README ("Server limits")
/// and each maps to one <c>termchat serve</c> option.
/// </summary>
public sealed class ServerOptions
{
    /// <summary>The concurrency mode (<c>--mode</c>).</summary>
    public ServerMode Mode { get; set; } = ServerMode.Async;

    /// <summary>TCP port, and the UDP port when datagrams are served (<c>--port</c>); 0 picks a free port.</summary>
    public int Port { get; set; } = 7777;

    /// <summary>
    /// The IRC front end's TCP port (<c>--irc-port</c>), on the same address as <see cref="Port"/>; <see langword="null"/>
    /// serves no IRC; 0 picks a free port.
    /// </summary>
    public int? IrcPort { get; set; }

    /// <summary>
    /// The line mode's TCP port (<c>--line-port</c>) for nc and telnet, on the same address as <see cref="Port"/>;
    /// <see langword="null"/> serves none; 0 picks a free port.
    /// </summary>
    public int? LinePort { get; set; }

    /// <summary>
    /// Whether to serve the chat over UDP too (PROTOCOL-DATAGRAMS.md), on the UDP port with the TCP port's number.
    /// </summary>
    public bool ServeUdp { get; set; } = true;

    /// <summary>Timers and windows of UDP sessions (keepalive, dead-peer timeout, ...); the protocol's defaults unless set.</summary>
    public DatagramOptions Datagrams { get; set; } = DatagramOptions.Default;

    /// <summary>The address to bind (<c>--bind</c>); <see langword="null"/> binds every address, IPv6 and IPv4.</summary>
    public IPAddress? Bind { get; set; }

    /// <summary>The server name sent in Welcome.</summary>
    public string ServerName { get; set; } = Environment.MachineName;

    /// <summary>Message of the day sent in Welcome (<c>--motd</c>).</summary>
    public string Motd { get; set; } = "";

    /// <summary>
    /// Key fingerprints of the server's operators (<c>--op</c>, <c>--op-file</c>): clients proving one of these keys may
    /// kick, ban, mute and set room modes. Compared exactly, as the transport reports fingerprints.
    /// </summary>
    public ISet<string> Operators { get; set; } = new HashSet<string>(StringComparer.Ordinal);

    /// <summary>The password every client must give in its Hello to join at all (<c>--password</c>); null for none.</summary>
    public string? Password { get; set; }

    /// <summary>Largest frame accepted from a client, length prefix value (<c>--max-frame</c>).</summary>
    public int MaxFrameBytes { get; set; } = ProtocolLimits.DefaultClientFrameBytes;

    /// <summary>Time a connection has to complete the Hello/Welcome handshake (<c>--handshake-timeout</c>).</summary>
    public TimeSpan HandshakeTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Silence after which a connection is dropped, pings included (<c>--idle-timeout</c>).</summary>
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromSeconds(120);

    /// <summary>Silence after which the server pings the client; sent to clients in Welcome (<c>--keepalive</c>).</summary>
    public TimeSpan KeepaliveInterval { get; set; } = TimeSpan.FromSeconds(45);

    /// <summary>Frames a client may send at once before flood control delays it (<c>--flood-burst</c>).</summary>
    public int FloodBurst { get; set; } = 10;

    /// <summary>Steady frames per second after the burst (<c>--flood-rate</c>); 0 turns flood control off.</summary>
    public double FloodRate { get; set; } = 5;

    /// <summary>Bytes queued for one client before it is disconnected as a slow consumer (<c>--max-sendq</c>).</summary>
    public int MaxSendQueueBytes { get; set; } = 1024 * 1024;

    /// <summary>Most simultaneous connections (<c>--max-clients</c>).</summary>
    public int MaxClients { get; set; } = 10_000;

    /// <summary>Most simultaneous connections from one IP address, loopback included (<c>--max-per-ip</c>).</summary>
    public int MaxPerIp { get; set; } = 64;

    /// <summary>Entries kept per room for history and resume (<c>--history</c>).</summary>
    public int HistorySize { get; set; } = 200;

    /// <summary>Encoded bytes of history kept per room, whatever <see cref="HistorySize"/> says (<c>--history-bytes</c>).</summary>
    public long HistoryBytes { get; set; } = 256 * 1024;

    /// <summary>Most rooms that may exist at once, #lobby included (<c>--max-rooms</c>).</summary>
    public int MaxRooms { get; set; } = 1000;

    /// <summary>How long a dropped session can be resumed with its token (<c>--resume-window</c>).</summary>
    public TimeSpan ResumeWindow { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Most rooms one user may be in (<c>--max-rooms-per-user</c>).</summary>
    public int MaxRoomsPerUser { get; set; } = ProtocolLimits.MaxResumeCursors;

    /// <summary>Interval of the stats log line (<c>--stats-interval</c>); zero turns it off.</summary>
    public TimeSpan StatsInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long shutdown waits for queued output (the shutdown notice) to reach clients.</summary>
    public TimeSpan ShutdownDrain { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>
    /// After a connection's final frame (Error or Bye) has been sent and its sending side shut, how long the server
    /// waits for the peer to close before closing itself: closing at once could reset the connection while the peer
    /// still has bytes in flight, and a reset can destroy the final frame before the peer reads it.
    /// </summary>
    public TimeSpan CloseLinger { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// The SQLite file that keeps history, seqs, topics and sessions across restarts; <see langword="null"/> keeps
    /// everything in memory (<c>--ephemeral</c>).
    /// </summary>
    public string? DataFile { get; set; }

    /// <summary>
    /// The cluster this server is a node of (<c>--cluster</c>), or <see langword="null"/> for a server on its own. A node
    /// keeps rooms in the cluster's NATS JetStream, not in <see cref="DataFile"/>.
    /// </summary>
    public ClusterOptions? Cluster { get; set; }

    /// <summary>Days a stored entry is kept at most (0: no age limit; the per-room bounds still apply).</summary>
    public double RetainDays { get; set; }

    /// <summary>
    /// The server's key, in a certificate with its private key (<c>termchat serve</c> keeps it in <c>server.key</c> beside
    /// the data file, or <c>--key</c>); <see langword="null"/> makes a key in memory at start, new at every start.
    /// </summary>
    public X509Certificate2? Certificate { get; set; }

    /// <summary>Which clients may speak plaintext (<c>--allow-plaintext</c>, <c>--require-tls</c>); by default loopback only.</summary>
    public PlaintextPolicy Plaintext { get; set; } = PlaintextPolicy.LoopbackOnly;

    /// <summary>The clock for timeouts, flood control and timestamps; tests inject a manual one.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>Checks every value and returns the first problem, or <see langword="null"/>.</summary>
    public string? Validate()
    {
        if (System.Text.Encoding.UTF8.GetByteCount(ServerName) > ProtocolLimits.MaxReasonBytes) return $"--name is longer than {ProtocolLimits.MaxReasonBytes} bytes.";
        if (System.Text.Encoding.UTF8.GetByteCount(Motd) > ProtocolLimits.MaxTextBytes) return $"--motd is longer than {ProtocolLimits.MaxTextBytes} bytes.";
        if (Port is < 0 or > 65535) return $"--port {Port} is not a port number (0-65535).";
        if (IrcPort is < 0 or > 65535) return $"--irc-port {IrcPort} is not a port number (0-65535).";
        if (IrcPort is { } irc && irc != 0 && irc == Port) return $"--irc-port {irc} is the same port as --port.";
        if (LinePort is < 0 or > 65535) return $"--line-port {LinePort} is not a port number (0-65535).";
        if (LinePort is { } line && line != 0 && (line == Port || line == IrcPort)) return $"--line-port {line} is the same port as --port or --irc-port.";
        if (MaxFrameBytes < 64 || MaxFrameBytes > ProtocolLimits.MaxFrameBytes) return $"--max-frame must be between 64 and {ProtocolLimits.MaxFrameBytes} bytes.";
        if (HandshakeTimeout <= TimeSpan.Zero) return "--handshake-timeout must be positive.";
        if (IdleTimeout <= TimeSpan.Zero) return "--idle-timeout must be positive.";
        if (KeepaliveInterval <= TimeSpan.Zero || KeepaliveInterval.TotalSeconds > ushort.MaxValue) return "--keepalive must be between 1 and 65535 seconds.";
        if (IdleTimeout <= KeepaliveInterval) return "--idle-timeout must be longer than --keepalive, or silent clients are dropped before they are pinged.";
        if (FloodBurst < 1) return "--flood-burst must be at least 1.";
        if (FloodRate < 0 || double.IsNaN(FloodRate)) return "--flood-rate must be 0 (off) or positive.";
        if (MaxSendQueueBytes < 1024) return "--max-sendq must be at least 1024 bytes.";
        if (MaxClients < 1) return "--max-clients must be at least 1.";
        if (MaxPerIp < 1) return "--max-per-ip must be at least 1.";
        if (HistorySize < 0) return "--history must be 0 or more.";
        if (HistoryBytes < ProtocolLimits.MaxFrameBytes / 64) return $"--history-bytes must be at least {ProtocolLimits.MaxFrameBytes / 64}.";
        if (MaxRooms < 1) return "--max-rooms must be at least 1.";
        if (ResumeWindow < TimeSpan.Zero) return "--resume-window must be 0 or more.";
        if (MaxRoomsPerUser < 1) return "--max-rooms-per-user must be at least 1.";
        if (RetainDays < 0 || !double.IsFinite(RetainDays)) return "--retain-days must be 0 (no age limit) or positive.";
        if (StatsInterval < TimeSpan.Zero) return "--stats-interval must be 0 (off) or positive.";
        if (Cluster?.Validate() is { } clusterProblem) return clusterProblem;
        if (Cluster is not null && DataFile is not null) return "--cluster keeps history in the cluster: leave out --data.";
        if (ShutdownDrain < TimeSpan.Zero || CloseLinger < TimeSpan.Zero) return "The shutdown drain and the close linger must be 0 or more.";
        return null;
    }
}
