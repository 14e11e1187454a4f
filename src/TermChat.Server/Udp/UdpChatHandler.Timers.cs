using TermChat.Protocol.Datagrams;

namespace TermChat.Server.Udp;

/// <summary>Session timers: one deadline per session in a heap, and one timer set to the earliest of them.</summary>
internal sealed partial class UdpChatHandler
{
    private readonly ITimer _timer;
    private readonly DeadlineQueue<UdpLink> _deadlines = new();
    private readonly List<UdpLink> _due = [];
    private long _armedMs = long.MaxValue;

    /// <summary>
    /// Files the session's next deadline: its engine's timer, the end of a closing link's drain, and when flood
    /// control lets a held frame through. Called under <c>_gate</c>.
    /// </summary>
    private void Reschedule(UdpLink link, long now)
    {
        if (link.Removed)
        {
            return;
        }
        long due = link.Session.NextTimerMs;
        if (link.Closing && link.Session.State != SessionState.Closed)
        {
            due = Math.Min(due, link.DrainDeadlineMs);
        }
        if (link.RetryAtMs > now && link.HasPendingInput)
        {
            due = Math.Min(due, link.RetryAtMs);
        }
        if (_deadlines.Schedule(link, due))
        {
            Arm(due, now);
        }
    }

    /// <summary>Moves the timer earlier when <paramref name="dueMs"/> comes before what it is set to. Called under <c>_gate</c>.</summary>
    private void Arm(long dueMs, long now)
    {
        if (dueMs >= _armedMs)
        {
            return;
        }
        _armedMs = dueMs;
        _timer.Change(TimeSpan.FromMilliseconds(dueMs <= now ? 0 : dueMs - now), Timeout.InfiniteTimeSpan);
    }

    /// <summary>Runs the sessions whose deadline has come; the others are not looked at.</summary>
    private void OnTimer()
    {
        try
        {
            long now = NowMs();
            List<UdpLink>? retry = null;
            lock (_gate)
            {
                _armedMs = long.MaxValue;
                // Taken first, then run: running a session files its next deadline, which must wait for the next round.
                while (_deadlines.TryTakeDue(now, out var link))
                {
                    _due.Add(link);
                }
                foreach (var link in _due)
                {
                    if (link.Removed)
                    {
                        continue;
                    }
                    if (link.Closing && now >= link.DrainDeadlineMs && link.Session.State != SessionState.Closed)
                    {
                        // A peer that stops acknowledging cannot hold the session open.
                        link.Session.Close(CloseCode.Normal, flush: false);
                    }
                    if (link.HasPendingInput && now >= link.RetryAtMs)
                    {
                        (retry ??= []).Add(link);
                    }
                    Flush(link, now);
                }
                _due.Clear();
                Arm(_deadlines.NextDue, now);
            }
            if (retry is not null)
            {
                foreach (var link in retry)
                {
                    Process(link);
                }
            }
            Reap();
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            Log.UdpTimerFailed(_logger, exception);
        }
    }
}
