using TermChat.Client.App;

namespace TermChat.Client.Plain;

/// <summary>
/// Holds plain mode's next input line until the server has answered a /join, so the lines after it go to the
/// joined room. In the full-screen client a person types slower than the answer comes back; a pipe does not.
/// The answer is the room becoming current, or an error (the join was refused); the end of the session ends
/// every wait.
/// </summary>
internal sealed class JoinWait
{
    private readonly Lock _lock = new();
    private long _errors;
    private bool _ended;
    private string? _room;
    private long _errorsBefore;
    private TaskCompletionSource? _answered;

    /// <summary>Errors seen so far: take it before submitting the line, so an error that beats the wait still counts.</summary>
    public long Mark
    {
        get { lock (_lock) return _errors; }
    }

    /// <summary>
    /// Completes when <paramref name="room"/> is the current room (any room when null), when an error came after
    /// <paramref name="mark"/>, or when the session ends.
    /// </summary>
    public Task ForAsync(string? room, long mark, ChatApp app)
    {
        lock (_lock)
        {
            _room = room;
            _errorsBefore = mark;
            _answered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var answered = _answered.Task;
            Check(app);
            return answered;
        }
    }

    /// <summary>The event loop calls this after applying each event.</summary>
    public void Observe(ChatApp app, IReadOnlyList<ChatEntry> entries)
    {
        lock (_lock)
        {
            _errors += entries.Count(e => e.Kind == EntryKind.Error);
            Check(app);
        }
    }

    /// <summary>No more events will come: every wait, now or later, completes at once.</summary>
    public void End()
    {
        lock (_lock)
        {
            _ended = true;
            _answered?.TrySetResult();
            _answered = null;
        }
    }

    private void Check(ChatApp app)
    {
        if (_answered is null)
        {
            return;
        }
        bool joined = app.CurrentRoom is { } current && (_room is null || string.Equals(current.Name, _room, StringComparison.OrdinalIgnoreCase));
        if (joined || _errors > _errorsBefore || _ended)
        {
            _answered.TrySetResult();
            _answered = null;
        }
    }
}
