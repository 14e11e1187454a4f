using TermChat.Protocol.Messages;

namespace TermChat.Client.Session;

/// <summary>
/// Input the server has not yet confirmed, in the order it was sent. Each message gets an id when it is handed to a
/// link, is marked once that link has queued it, and is forgotten when a pong confirms everything up to it (the
/// server handles a link's frames in order, so a pong confirms every frame queued before its ping). What is left when
/// a link dies is sent again on the next one. Not thread-safe: the session's lock guards it.
/// </summary>
internal sealed class UnackedOutbox
{
    private readonly List<Entry> _entries = [];
    private long _nextId;

    /// <summary>Messages not yet confirmed.</summary>
    public int Count => _entries.Count;

    /// <summary>
    /// The highest id such that it and every id before it is in the link's outbox: a ping queued now confirms exactly
    /// those when its pong returns.
    /// </summary>
    public long Watermark
    {
        get
        {
            foreach (var entry in _entries)
            {
                if (!entry.Queued)
                {
                    return entry.Id - 1;
                }
            }
            return _nextId;
        }
    }

    /// <summary>Takes a message about to be handed to a link.</summary>
    /// <returns>Its id, for <see cref="MarkQueued"/>.</returns>
    public long Add(Message message)
    {
        long id = ++_nextId;
        _entries.Add(new Entry(id, message));
        return id;
    }

    /// <summary>The link has queued the message: a ping sent after it confirms it.</summary>
    public void MarkQueued(long id)
    {
        int index = _entries.FindIndex(entry => entry.Id == id);
        if (index >= 0)
        {
            _entries[index].Queued = true;
        }
    }

    /// <summary>A pong confirmed every message up to <paramref name="id"/>.</summary>
    public void ConfirmUpTo(long id) => _entries.RemoveAll(entry => entry.Id <= id);

    /// <summary>Every message not yet confirmed, in order, to send again first on a new link (which queues them all).</summary>
    public Message[] TakeForResend()
    {
        foreach (var entry in _entries)
        {
            entry.Queued = true;
        }
        return [.. _entries.Select(entry => entry.Message)];
    }

    private sealed class Entry(long id, Message message)
    {
        public long Id { get; } = id;

        public Message Message { get; } = message;

        public bool Queued { get; set; }
    }
}
