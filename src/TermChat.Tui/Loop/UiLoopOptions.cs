namespace TermChat.Tui.Loop;

/// <summary>Timing settings of a <see cref="UiLoop"/>.</summary>
public sealed record UiLoopOptions
{
    /// <summary>Minimum time between two frames; events arriving meanwhile are batched. Defaults to 60 fps.</summary>
    public TimeSpan MinFrameInterval { get; init; } = TimeSpan.FromMilliseconds(16);

    /// <summary>When set, a <see cref="TickEvent"/> is posted at this interval.</summary>
    public TimeSpan? TickInterval { get; init; }

    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;
}
