namespace TermChat.Server.Core;

/// <summary>
/// Wake-ups held back while one thread queues output for many sessions: a message fanned out to a room's members, or a
/// batch of input lines handled. A transport whose writers are threads of their own (threads mode) marks each writer
/// as it queues and wakes it once the batch ends, so a writer is woken once per batch instead of once per frame, and
/// never in the middle of a fan-out that holds the core's lock. Transports that wake no thread per frame ignore it.
/// </summary>
/// <remarks>Per thread; batches nest, and the outermost one's end wakes everything held.</remarks>
internal static class HeldWakes
{
    // A list that once held this many wake-ups (a fan-out to thousands) is dropped, not kept on the thread.
    private const int KeepAtMost = 1024;

    [ThreadStatic]
    private static List<Action>? t_held;

    [ThreadStatic]
    private static int t_depth;

    /// <summary>Starts a batch on this thread; every call is paired with <see cref="End"/> in a finally.</summary>
    public static void Begin() => t_depth++;

    /// <summary>Holds <paramref name="wake"/> until the batch ends; false when this thread is in no batch (wake now).</summary>
    public static bool TryHold(Action wake)
    {
        if (t_depth == 0) return false;
        (t_held ??= []).Add(wake);
        return true;
    }

    /// <summary>Ends a batch; the outermost end runs every wake-up held, in the order they were held.</summary>
    public static void End()
    {
        if (--t_depth > 0 || t_held is not { } held) return;
        foreach (var wake in held) wake();
        if (held.Count > KeepAtMost) t_held = null;
        else held.Clear();
    }
}
