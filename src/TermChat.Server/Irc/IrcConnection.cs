using System.Net;
using System.Text;
using TermChat.Protocol;
using TermChat.Server.Core;
using TermChat.Server.FrontEnds;
using TermChat.Server.Limits;
using TermChat.Server.Wire;

namespace TermChat.Server.Irc;

/// <summary>
/// One IRC connection: its registration, capabilities, timers and flood gate, and (as the session's
/// <see cref="ISessionSink"/>) the translation of the core's events into IRC lines queued on its link.
/// </summary>
/// <remarks>
/// Commands run under the front end's lock; the core's events arrive under the core's lock, from any thread. The
/// connection's picture of its channels (who is in each) is what turns the core's per-room entries into IRC's
/// per-user lines: a nick change or quit reaches every room the user is in, but an IRC client expects one NICK or
/// QUIT. That picture has its own small lock, a leaf under both.
/// </remarks>
internal sealed partial class IrcConnection : FrontEndConnection, ISessionSink
{
    private readonly IrcFrontEnd _owner;
    private readonly object _viewGate = new();
    // Channel -> the nicks in it, as this client has been told.
    private readonly Dictionary<string, HashSet<string>> _channels = new(StringComparer.Ordinal);
    // Away texts this client has been told (away-notify), so a change reaching several shared rooms is told once.
    private readonly Dictionary<string, string> _awayKnown = new(NameRules.NickComparer);
    private volatile string _nick = "*";
    private volatile int _caps;
    private int _batches;

    public IrcConnection(IrcFrontEnd owner, IClientLink link, IPAddress? address, long now, FloodGate flood)
        : base(link, address, now, flood)
    {
        _owner = owner;
        LastHeard = now;
    }

    /// <summary>When a line last came in (monotonic timestamp).</summary>
    public long LastHeard { get; set; }

    public bool PingOutstanding { get; set; }

    /// <summary>The nick asked for with NICK before registration.</summary>
    public string? RequestedNick { get; set; }

    /// <summary>The server password given with PASS before registration (checked when the server has --password).</summary>
    public string Password { get; set; } = "";

    /// <summary>The SASL mechanism in progress (AUTHENTICATE EXTERNAL or PLAIN), or null.</summary>
    public string? SaslMechanism { get; set; }

    /// <summary>The base64 of the mechanism in progress received so far (it comes in pieces of 400).</summary>
    public StringBuilder SaslPayload { get; } = new();

    /// <summary>What SASL logged the client in as (900): the key's fingerprint for EXTERNAL, the name given for PLAIN.</summary>
    public string? Account { get; set; }

    /// <summary>USER has been given (its user name is not used: every user's mask is nick!nick@host).</summary>
    public bool HasUser { get; set; }

    /// <summary>CAP LS or REQ came before registration: registration waits for CAP END.</summary>
    public bool CapNegotiating { get; set; }

    /// <summary>The enabled capabilities.</summary>
    public IrcCaps Caps
    {
        get => (IrcCaps)_caps;
        set => _caps = (int)value;
    }

    /// <summary>The nick the client is known by ("*" before registration).</summary>
    public string Nick => _nick;

    /// <summary>
    /// The command being handled and its target: the core answers a command's failure with an ErrorCode, and IRC
    /// wants the numeric that fits the command (a NotInRoom is 404 for PRIVMSG, 442 for PART).
    /// </summary>
    public string Command { get; set; } = "";

    public string Target { get; set; } = "";

    /// <summary>While set, the core's notices are not passed on (the command answers with its own numeric).</summary>
    public bool SuppressNotice { get; set; }

    /// <summary>While set, the core's errors are not passed on: a NOTICE never gets an automatic reply.</summary>
    public bool Quiet { get; private set; }

    /// <summary>Drops the core's errors until <see cref="EndCommand"/>.</summary>
    public void SuppressErrors() => Quiet = true;

    /// <summary>The command is handled: its context is cleared.</summary>
    public void EndCommand()
    {
        Command = "";
        Target = "";
        SuppressNotice = false;
        Quiet = false;
    }

    /// <summary>The mask of <paramref name="nick"/>: every user, TermChat or IRC, is <c>nick!nick@host</c>.</summary>
    public static string Source(string nick) => $"{nick}!{nick}@{IrcFrontEnd.UserHost}";

    /// <summary>Whether the client is in <paramref name="channel"/> (canonical name), as it has been told.</summary>
    public bool IsIn(string channel)
    {
        lock (_viewGate) return _channels.ContainsKey(channel);
    }

    /// <summary>The channels the client is in, as it has been told.</summary>
    public string[] Channels()
    {
        lock (_viewGate) return [.. _channels.Keys];
    }

    /// <summary>Queues one line; returns its bytes, 0 if the link refused it (closing, or its send queue is full).</summary>
    public int Send(string line)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(line);
        if (!Link.TryEnqueue(bytes)) return 0;
        return bytes.Length;
    }

    /// <summary>Sends a reply counted as one frame out.</summary>
    public void Reply(string line)
    {
        int bytes = Send(line);
        if (bytes > 0) _owner.Stats.FrameOut(bytes);
    }

    /// <summary>A numeric reply from the server: <c>:server NNN nick params…</c>.</summary>
    public void Numeric(string code, params ReadOnlySpan<string> parameters)
    {
        var all = new string[parameters.Length + 1];
        all[0] = _nick;
        parameters.CopyTo(all.AsSpan(1));
        Reply(IrcText.Line("", _owner.ServerName, code, all));
    }

    /// <summary>A NOTICE from the server to this client.</summary>
    public void ServerNotice(string text)
    {
        foreach (string piece in IrcText.Split(text, IrcText.MaxLineBytes - 64 - _owner.ServerName.Length))
        {
            Reply(IrcText.Line("", _owner.ServerName, "NOTICE", _nick, piece));
        }
    }

    /// <summary>The tags this client gets for a line: the ones its capabilities ask for.</summary>
    private string Tags(long timeMs, string? msgId = null, string? batch = null) => TagsFor(Caps, timeMs, msgId, batch);

    /// <summary>The tags a client with <paramref name="caps"/> gets for a line.</summary>
    public static string TagsFor(IrcCaps caps, long timeMs, string? msgId = null, string? batch = null)
    {
        var tags = new StringBuilder();
        if (batch is not null && caps.HasFlag(IrcCaps.Batch)) tags.Append("batch=").Append(batch);
        if (caps.HasFlag(IrcCaps.ServerTime) && timeMs > 0) Append(tags, "time=").Append(IrcText.Time(timeMs));
        if (msgId is not null && caps.HasFlag(IrcCaps.MessageTags)) Append(tags, "msgid=").Append(msgId);
        return tags.ToString();

        static StringBuilder Append(StringBuilder tags, string key) => (tags.Length > 0 ? tags.Append(';') : tags).Append(key);
    }

    /// <summary>
    /// A PRIVMSG (or NOTICE) of any length: one line per line of the text, each cut to fit the 512 bytes on UTF-8
    /// boundaries. Returns the bytes queued.
    /// </summary>
    private int SendText(string tags, string source, string command, string target, string text, bool action) =>
        SendLines(TextLines(tags, source, command, target, text, action));

    /// <summary>Queues lines already encoded (shared with other recipients: never changed); returns the bytes queued.</summary>
    private int SendLines(byte[][] lines)
    {
        int bytes = 0;
        foreach (byte[] line in lines)
        {
            if (!Link.TryEnqueue(line)) break;
            bytes += line.Length;
        }
        return bytes;
    }

    /// <summary>The lines of a PRIVMSG (or NOTICE) of any length, encoded: see <see cref="SendText"/>.</summary>
    public static byte[][] TextLines(string tags, string source, string command, string target, string text, bool action)
    {
        // ":source COMMAND target :" and CR LF; an action also has "\x01ACTION " and "\x01".
        int head = 1 + Encoding.UTF8.GetByteCount(source) + 1 + command.Length + 1 + Encoding.UTF8.GetByteCount(target) + 2 + 2;
        int budget = IrcText.MaxLineBytes - head - (action ? 9 : 0);
        var pieces = IrcText.Split(text, budget);
        var lines = new byte[pieces.Count][];
        for (int i = 0; i < pieces.Count; i++)
        {
            lines[i] = Encoding.UTF8.GetBytes(IrcText.Line(tags, source, command, target, action ? IrcText.Action(pieces[i]) : pieces[i]));
        }
        return lines;
    }

    private bool IsMe(string nick) => NameRules.NickComparer.Equals(nick, _nick);

    private string NextBatchId() => "h" + Interlocked.Increment(ref _batches).ToString(System.Globalization.CultureInfo.InvariantCulture);
}
