using System.Globalization;
using System.Net;
using Microsoft.Extensions.Logging;
using TermChat.Protocol;
using TermChat.Server.Core;
using TermChat.Server.FrontEnds;
using TermChat.Server.History;
using TermChat.Server.Limits;
using TermChat.Server.Wire;

namespace TermChat.Server.Irc;

/// <summary>
/// The IRC front end (<c>--irc-port</c>): a sibling of the <see cref="WireFrontEnd"/> on the same
/// <see cref="ChatCore"/>. IRC clients (irssi, weechat, bots) register, join rooms as channels and talk with TermChat
/// users; the same admission caps, flood control and send queues apply. Each connection's
/// <see cref="IrcConnection"/> is its session's sink and turns the core's events into IRC lines.
/// </summary>
/// <remarks>
/// The connection table, admission, the end of a connection and shutdown are the <see cref="TextFrontEnd{TConnection}"/>'s;
/// <see cref="TryHandle"/> takes each line in arrival order, and <see cref="Sweep"/> runs about once a second. An IRC
/// session has no resume token: when its connection ends, it quits.
/// </remarks>
internal sealed partial class IrcFrontEnd : TextFrontEnd<IrcConnection>
{
    /// <summary>The host part of every user's mask (<c>nick!nick@termchat</c>); addresses are not shown to others.</summary>
    public const string UserHost = "termchat";

    // The core hands one room entry to every member in turn. A message's lines differ between IRC recipients only by
    // the tags their capabilities ask for (time, msgid), so they are built once per entry and tag variant and the
    // same bytes are queued for each: the wire front end encodes an entry once for the same reason.
    private readonly object _linesGate = new();
    private readonly byte[][]?[] _lines = new byte[][]?[4];
    private RoomEntry? _linesEntry;

    public IrcFrontEnd(ChatCore core, ServerOptions options, ServerStats stats, ILogger logger, ConnectionCaps caps)
        : base(core, options, stats, logger, caps)
    {
        ServerName = ServerNameFor(options.ServerName);
        Created = options.TimeProvider.GetUtcNow().UtcDateTime;
        ISupport =
        [
            "CASEMAPPING=ascii",
            "CHANTYPES=#",
            "CHANMODES=,,,n",
            "PREFIX=",
            $"NICKLEN={ProtocolLimits.MaxNickBytes}",
            $"CHANNELLEN={ProtocolLimits.MaxRoomBytes}",
            $"TOPICLEN={ProtocolLimits.MaxTopicBytes}",
            $"AWAYLEN={ProtocolLimits.MaxReasonBytes}",
            $"CHANLIMIT=#:{options.MaxRoomsPerUser}",
            $"MAXTARGETS={MaxTargets}",
            "NETWORK=TermChat",
        ];
    }

    /// <summary>The server and version reported in 002 and 004.</summary>
    public static string Version { get; } = "termchat-" + (typeof(IrcFrontEnd).Assembly.GetName().Version?.ToString(3) ?? "0");

    /// <summary>The server's name as IRC sources it: the configured name, made a valid IRC server name.</summary>
    public string ServerName { get; }

    /// <summary>When the front end started (003).</summary>
    public DateTime Created { get; }

    /// <summary>The 005 tokens.</summary>
    public string[] ISupport { get; }

    /// <summary>The message of the day.</summary>
    public string Motd => Options.Motd;

    protected override string ShutdownReason => "Server shutting down";

    protected override IrcConnection Create(IClientLink link, IPAddress? address, long now, FloodGate flood) =>
        new(this, link, address, now, flood);

    /// <summary>
    /// Handles one line. Returns <see langword="false"/> when flood control holds it back: the caller stops reading
    /// from this connection, waits <paramref name="retryAfter"/> and offers the same line again.
    /// </summary>
    public bool TryHandle(IClientLink link, string line, out TimeSpan retryAfter)
    {
        retryAfter = TimeSpan.Zero;
        lock (Gate)
        {
            if (!TryOpen(link, out var connection)) return true;
            if (!connection.Hold.TryRelease(out retryAfter, out bool reoffered)) return false;
            long now = Time.GetTimestamp();
            connection.LastHeard = now;
            connection.PingOutstanding = false;
            if (!IrcMessage.TryParse(line, out var message)) return true;
            // PONG answers our keepalive and costs nothing; everything else goes past the flood gate (once: a line
            // held for the cluster was counted when first offered).
            if (message.Command != "PONG" && !reoffered && !TryTakeToken(connection, now, out retryAfter)) return false;
            try
            {
                Dispatch(connection, message);
            }
            catch (Exception exception) when (exception is not OutOfMemoryException)
            {
                Log.IrcHandlerFailed(Logger, exception, message.Command, link.Id);
                connection.ServerNotice($"The server failed handling your {message.Command}; it had no effect.");
            }
            finally
            {
                connection.EndCommand();
            }
            return !connection.Hold.IsHolding(out retryAfter);
        }
    }

    protected override void FloodNotice(IrcConnection connection, TimeSpan retryAfter)
    {
        Log.FloodDelay(Logger, connection.Link.Id, connection.Nick, retryAfter.TotalMilliseconds);
        connection.ServerNotice(
            $"Flood control: more than {Options.FloodBurst} lines at once or {Options.FloodRate:0.##}/s; your lines are delayed, not dropped.");
    }

    /// <summary>The encoded lines of room message <paramref name="entry"/> for a client with <paramref name="caps"/>.</summary>
    public byte[][] MessageLines(RoomEntry entry, IrcCaps caps)
    {
        int variant = (caps.HasFlag(IrcCaps.ServerTime) ? 1 : 0) | (caps.HasFlag(IrcCaps.MessageTags) ? 2 : 0);
        lock (_linesGate)
        {
            if (!ReferenceEquals(entry, _linesEntry))
            {
                _linesEntry = entry;
                Array.Clear(_lines);
            }
            return _lines[variant] ??= IrcConnection.TextLines(
                IrcConnection.TagsFor(caps & (IrcCaps.ServerTime | IrcCaps.MessageTags), entry.TimeMs, IrcConnection.MessageId(entry)),
                IrcConnection.Source(entry.Nick), "PRIVMSG", entry.Room, entry.Text, entry.MessageKind == MessageKind.Action);
        }
    }

    /// <summary>A line passed the limit and was dropped (417 ERR_INPUTTOOLONG); the connection goes on.</summary>
    public void InputTooLong(IClientLink link)
    {
        lock (Gate)
        {
            if (TryOpen(link, out var connection)) connection.Numeric(IrcNumeric.InputTooLong, "Input line was too long");
        }
    }

    /// <summary>Registration timeout, keepalive PINGs and the idle timeout. Call about once a second.</summary>
    public void Sweep()
    {
        lock (Gate)
        {
            long now = Time.GetTimestamp();
            foreach (var connection in Connections)
            {
                if (connection.Closing) continue;
                if (connection.Session is null)
                {
                    if (Time.GetElapsedTime(connection.ConnectedAt, now) >= Options.HandshakeTimeout)
                    {
                        connection.Close(ErrorCode.HandshakeTimeout, $"Registration timed out ({Options.HandshakeTimeout.TotalSeconds:0.#} s)");
                    }
                    continue;
                }
                var idle = Time.GetElapsedTime(connection.LastHeard, now);
                if (idle >= Options.IdleTimeout)
                {
                    connection.Close(ErrorCode.IdleTimeout, $"Ping timeout: {Options.IdleTimeout.TotalSeconds:0} seconds");
                }
                else if (idle >= Options.KeepaliveInterval && !connection.PingOutstanding)
                {
                    connection.PingOutstanding = true;
                    connection.Reply(IrcText.Line("", "", "PING", ServerName));
                }
            }
        }
    }

    /// <summary>
    /// IRC sources a server by a name with a dot and no spaces (clients tell a server from a nick that way): the
    /// configured name keeps its letters, digits, dots and dashes, and gets ".termchat" if it has no dot.
    /// </summary>
    public static string ServerNameFor(string name)
    {
        var chars = name.Select(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' ? c : '-').ToArray();
        string cleaned = new string(chars).Trim('.', '-');
        if (cleaned.Length == 0) cleaned = "server";
        return cleaned.Contains('.') ? cleaned : cleaned + ".termchat";
    }

    private static string Number(long value) => value.ToString(CultureInfo.InvariantCulture);
}
