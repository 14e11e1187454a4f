using TermChat.Client.Transports;
using TermChat.Protocol.Messages;

namespace TermChat.Client.Session;

/// <summary>What a <see cref="ClientSession"/> reports, in order, through <see cref="ClientSession.Events"/>.</summary>
public abstract record SessionEvent;

/// <summary>A message from the server, already deduplicated by (room, seq) across reconnects.</summary>
public sealed record ServerMessageEvent(Message Message) : SessionEvent;

/// <summary>The connection state changed.</summary>
public sealed record ConnectionStateEvent(ConnectionState State) : SessionEvent;

/// <summary>A new RTT or loss figure.</summary>
public sealed record LinkStatsEvent(LinkStats Stats) : SessionEvent;

/// <summary>The nick asked for was in use at the first connect; the session tries <paramref name="Trying"/> instead.</summary>
public sealed record NickFallbackEvent(string InUse, string Trying) : SessionEvent;
