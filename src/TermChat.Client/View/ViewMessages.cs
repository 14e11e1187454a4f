using TermChat.Client.App;

namespace TermChat.Client.LegacyView;

/// <summary>Something changed the app state off the loop thread: render again.</summary>
internal sealed record RedrawRequest
{
    public static RedrawRequest Instance { get; } = new();
}

/// <summary>A submitted line has been handled (its send completed or failed).</summary>
internal sealed record SubmitCompleted(SubmitResult? Result, string? Error);

/// <summary>The session's event stream ended: it will not come back by itself.</summary>
internal sealed record SessionEnded
{
    public static SessionEnded Instance { get; } = new();
}
