using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace TermChat.TestKit.Server;

/// <summary>
/// A logger factory that records every line and can hold the thread that logs a chosen event until the
/// test releases it. Holding the server thread that logs "connection accepted" lets a test line up bytes,
/// closes and further connections before the server reads any of them: the timing a loaded machine
/// produces by chance, made certain.
/// </summary>
public sealed class HoldingLoggerFactory : ILoggerFactory
{
    private readonly ConcurrentQueue<string> _lines = new();
    private readonly ManualResetEventSlim _release = new();
    private readonly TaskCompletionSource _held = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private string? _holdAt;

    /// <summary>Every line logged so far, as "Level EventName: message".</summary>
    public IReadOnlyList<string> Lines => _lines.ToArray();

    /// <summary>Completes when a thread is being held.</summary>
    public Task Held => _held.Task;

    /// <summary>The next event named <paramref name="eventName"/> (for example "Accepted") holds its thread until <see cref="Release"/>.</summary>
    public void HoldAt(string eventName) => _holdAt = eventName;

    /// <summary>Lets the held thread go on (and any later one).</summary>
    public void Release() => _release.Set();

    /// <inheritdoc/>
    public ILogger CreateLogger(string categoryName) => new Logger(this);

    /// <inheritdoc/>
    public void AddProvider(ILoggerProvider provider)
    {
    }

    /// <summary>Releases any held thread.</summary>
    public void Dispose() => _release.Set();

    private void Write<TState>(LogLevel level, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        _lines.Enqueue($"{level} {eventId.Name}: {formatter(state, exception)}");
        if (eventId.Name is { } name && name == _holdAt && Interlocked.Exchange(ref _holdAt, null) is not null)
        {
            _held.TrySetResult();
            // Bounded, so a test that forgets to release cannot hang the server forever.
            _release.Wait(TimeSpan.FromSeconds(30));
        }
    }

    private sealed class Logger(HoldingLoggerFactory owner) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            => owner.Write(logLevel, eventId, state, exception, formatter);
    }
}
