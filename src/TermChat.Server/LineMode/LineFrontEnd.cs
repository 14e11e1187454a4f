using System.Net;
using Microsoft.Extensions.Logging;
using TermChat.Protocol;
using TermChat.Server.Core;
using TermChat.Server.FrontEnds;
using TermChat.Server.Limits;
using TermChat.Server.Wire;

namespace TermChat.Server.LineMode;

/// <summary>
/// The line mode (<c>--line-port</c>) for people with only nc or telnet: the server asks for a nick, then every line
/// typed goes to the current room and every event arrives as one readable line. A sibling of the wire and IRC front
/// ends on the same <see cref="ChatCore"/>, under the same admission caps, flood control and send queues.
/// </summary>
/// <remarks>
/// The connection table, admission, the end of a connection and shutdown are the <see cref="TextFrontEnd{TConnection}"/>'s;
/// <see cref="TryHandle"/> takes each line in order and <see cref="Sweep"/> runs about once a second. nc cannot answer a
/// ping, so a registered line-mode user is never timed out for silence; only the nick prompt has a deadline
/// (<see cref="ServerOptions.IdleTimeout"/>: a person is typing).
/// </remarks>
internal sealed class LineFrontEnd(ChatCore core, ServerOptions options, ServerStats stats, ILogger logger, ConnectionCaps caps)
    : TextFrontEnd<LineConnection>(core, options, stats, logger, caps)
{
    private const int MaxWrongPasswords = 3;

    /// <summary>The server's name, shown on connect.</summary>
    public string ServerName => Options.ServerName;

    protected override string ShutdownReason => "server shutting down";

    protected override LineConnection Create(IClientLink link, IPAddress? address, long now, FloodGate flood) =>
        new(this, link, address, now, flood);

    /// <summary>The connection is admitted: it is asked for a nick.</summary>
    protected override void Admitted(LineConnection connection) =>
        connection.Say($"TermChat on {Options.ServerName} (line mode). Your nick?");

    protected override void FloodNotice(LineConnection connection, TimeSpan retryAfter) =>
        connection.Say($"-!- flood control: more than {Options.FloodBurst} lines at once or {Options.FloodRate:0.##}/s; your lines are delayed, not dropped");

    /// <summary>
    /// Handles one typed line. Returns <see langword="false"/> when flood control holds it back: the caller stops
    /// reading, waits <paramref name="retryAfter"/> and offers the same line again.
    /// </summary>
    public bool TryHandle(IClientLink link, string line, out TimeSpan retryAfter)
    {
        retryAfter = TimeSpan.Zero;
        lock (Gate)
        {
            if (!TryOpen(link, out var connection)) return true;
            if (!connection.Hold.TryRelease(out retryAfter, out bool reoffered)) return false;
            // A line held for the cluster was counted by the flood gate when first offered.
            if (!reoffered && !TryTakeToken(connection, Time.GetTimestamp(), out retryAfter)) return false;
            try
            {
                if (connection.Session is null) Register(connection, line);
                else LineCommands.Run(Core, connection, connection.Session, line);
            }
            catch (Exception exception) when (exception is not OutOfMemoryException)
            {
                Log.IrcHandlerFailed(Logger, exception, "line", link.Id);
                connection.Say("!!! the server failed handling that line; it had no effect");
            }
            return !connection.Hold.IsHolding(out retryAfter);
        }
    }

    /// <summary>A typed line passed the limit and was dropped; the connection goes on.</summary>
    public void InputTooLong(IClientLink link, int limit)
    {
        lock (Gate)
        {
            if (TryOpen(link, out var connection)) connection.Say($"!!! that line was longer than {limit} bytes and was not sent");
        }
    }

    /// <summary>The nick prompt's deadline. Call about once a second.</summary>
    public void Sweep()
    {
        lock (Gate)
        {
            long now = Time.GetTimestamp();
            foreach (var connection in Connections)
            {
                if (!connection.Closing && connection.Session is null && Time.GetElapsedTime(connection.ConnectedAt, now) >= Options.IdleTimeout)
                {
                    connection.Close(ErrorCode.HandshakeTimeout, $"no nick within {Options.IdleTimeout.TotalSeconds:0} s");
                }
            }
        }
    }

    /// <summary>
    /// Before registration a line is the nick or, on a server with a password, the password asked for after it. The
    /// address goes with them, so address bans hold here as on every port.
    /// </summary>
    private void Register(LineConnection connection, string line)
    {
        string nick = connection.PendingNick ?? line.Trim();
        if (nick.Length == 0)
        {
            connection.Say("Your nick?");
            return;
        }
        string password = "";
        if (Options.Password is not null)
        {
            if (connection.PendingNick is null)
            {
                connection.PendingNick = nick;
                // nc cannot hide what is typed, and telnet asked to stop echoing would show nc users raw bytes.
                connection.Say("This server has a password (it shows as you type). Password?");
                return;
            }
            password = line;
        }
        var registration = Core.Register(connection, nick, ResumeToken.None, [], address: connection.Address, password: password);
        if (registration.Wait is { } wait)
        {
            // The same line comes back once the cluster has answered; the pending nick stays for it.
            connection.Hold.Until(wait);
            return;
        }
        connection.PendingNick = null;
        if (registration.Refusal == ErrorCode.BadPassword && ++connection.WrongPasswords >= MaxWrongPasswords)
        {
            connection.Close(ErrorCode.BadPassword, $"{MaxWrongPasswords} wrong passwords");
            return;
        }
        if (registration.Session is not { } session)
        {
            connection.Say($"!!! {registration.Problem} Your nick?");
            return;
        }
        connection.Session = session;
        Log.Registered(Logger, session.Nick, connection.Link.Remote, connection.Link.Id, false);
    }
}
