using Microsoft.Extensions.Time.Testing;

namespace TermChat.TestKit.Server;

/// <summary>
/// The one test clock: <see cref="FakeTimeProvider"/> (time and timers move only on <c>Advance</c>), plus a way
/// to wait until the code under test has armed a timer, so a test never advances past a timer that a background
/// task has not created yet.
/// </summary>
public sealed class ManualTimeProvider : FakeTimeProvider
{
    private readonly Lock _gate = new();
    private readonly List<ArmedTimer> _armed = [];
    private readonly SemaphoreSlim _changed = new(0);

    /// <summary>Starts the clock at a fixed instant, so that tests do not depend on the day they run.</summary>
    public ManualTimeProvider()
        : base(new DateTimeOffset(2026, 11, 22, 12, 0, 0, TimeSpan.Zero))
    {
    }

    /// <inheritdoc />
    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var armed = new ArmedTimer(this);
        armed.Inner = base.CreateTimer(
            s =>
            {
                armed.Fired();
                callback(s);
            },
            state, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        armed.Change(dueTime, period);
        return armed;
    }

    /// <summary>Waits until some timer is due within <paramref name="within"/> of now, then advances by that much.</summary>
    /// <exception cref="OperationCanceledException">No such timer was armed within 10 s of real time.</exception>
    public async Task AdvanceWhenScheduledAsync(TimeSpan within)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (!AnyDueWithin(within))
        {
            await _changed.WaitAsync(timeout.Token).ConfigureAwait(false);
        }
        Advance(within);
    }

    private bool AnyDueWithin(TimeSpan within)
    {
        DateTimeOffset limit = GetUtcNow() + within;
        lock (_gate)
        {
            return _armed.Exists(t => t.Due <= limit);
        }
    }

    private void Arm(ArmedTimer timer, TimeSpan dueTime, TimeSpan period)
    {
        lock (_gate)
        {
            _armed.Remove(timer);
            if (dueTime != Timeout.InfiniteTimeSpan)
            {
                timer.Due = GetUtcNow() + dueTime;
                timer.Period = period == Timeout.InfiniteTimeSpan ? TimeSpan.Zero : period;
                _armed.Add(timer);
            }
        }
        _changed.Release();
    }

    private void Fired(ArmedTimer timer)
    {
        lock (_gate)
        {
            if (timer.Period > TimeSpan.Zero)
            {
                timer.Due += timer.Period;
            }
            else
            {
                _armed.Remove(timer);
            }
        }
    }

    private void Disarm(ArmedTimer timer)
    {
        lock (_gate)
        {
            _armed.Remove(timer);
        }
    }

    /// <summary>The fake timer, with its due time recorded where <see cref="AdvanceWhenScheduledAsync"/> can see it.</summary>
    private sealed class ArmedTimer(ManualTimeProvider owner) : ITimer
    {
        public ITimer Inner { get; set; } = null!;

        public DateTimeOffset Due { get; set; }

        public TimeSpan Period { get; set; }

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            owner.Arm(this, dueTime, period);
            return Inner.Change(dueTime, period);
        }

        public void Fired() => owner.Fired(this);

        public void Dispose()
        {
            owner.Disarm(this);
            Inner.Dispose();
        }

        public ValueTask DisposeAsync()
        {
            Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
