namespace TermChat.Client.Tests.Fakes;

/// <summary>A clock that moves only when the test says so; timers fire on <see cref="Advance"/>.</summary>
internal sealed class ManualTimeProvider : TimeProvider
{
    private readonly Lock _gate = new();
    private readonly List<ManualTimer> _timers = [];
    private readonly SemaphoreSlim _scheduled = new(0);
    private DateTimeOffset _now = new(2026, 11, 22, 12, 0, 0, TimeSpan.Zero);
    private long _ticks;

    public override DateTimeOffset GetUtcNow()
    {
        lock (_gate)
        {
            return _now;
        }
    }

    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    public override long GetTimestamp()
    {
        lock (_gate)
        {
            return _ticks;
        }
    }

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = new ManualTimer(this, callback, state);
        timer.Change(dueTime, period);
        return timer;
    }

    /// <summary>Moves the clock and fires every timer that comes due, in order.</summary>
    public void Advance(TimeSpan by)
    {
        DateTimeOffset target;
        lock (_gate)
        {
            target = _now + by;
        }
        while (true)
        {
            ManualTimer? next;
            lock (_gate)
            {
                next = _timers.Where(t => t.Due <= target).OrderBy(t => t.Due).FirstOrDefault();
                if (next is null)
                {
                    _ticks += (target - _now).Ticks;
                    _now = target;
                    return;
                }
                _ticks += (next.Due - _now).Ticks;
                _now = next.Due;
                if (next.Period > TimeSpan.Zero)
                {
                    next.Due = _now + next.Period;
                }
                else
                {
                    _timers.Remove(next);
                }
            }
            next.Fire();
        }
    }

    /// <summary>Waits until some timer is due within <paramref name="within"/> of now, then advances by that much.</summary>
    public async Task AdvanceWhenScheduledAsync(TimeSpan within)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (true)
        {
            lock (_gate)
            {
                if (_timers.Any(t => t.Due <= _now + within))
                {
                    break;
                }
            }
            await _scheduled.WaitAsync(timeout.Token);
        }
        Advance(within);
    }

    private void Schedule(ManualTimer timer, TimeSpan due, TimeSpan period)
    {
        lock (_gate)
        {
            _timers.Remove(timer);
            if (due != Timeout.InfiniteTimeSpan)
            {
                timer.Due = _now + due;
                timer.Period = period == Timeout.InfiniteTimeSpan ? TimeSpan.Zero : period;
                _timers.Add(timer);
            }
        }
        _scheduled.Release();
    }

    private void Remove(ManualTimer timer)
    {
        lock (_gate)
        {
            _timers.Remove(timer);
        }
    }

    private sealed class ManualTimer(ManualTimeProvider owner, TimerCallback callback, object? state) : ITimer
    {
        public DateTimeOffset Due { get; set; }

        public TimeSpan Period { get; set; }

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            owner.Schedule(this, dueTime, period);
            return true;
        }

        public void Fire() => callback(state);

        public void Dispose() => owner.Remove(this);

        public ValueTask DisposeAsync()
        {
            owner.Remove(this);
            return ValueTask.CompletedTask;
        }
    }
}
