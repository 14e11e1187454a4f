using TermChat.Protocol;

namespace TermChat.Server.Core;

/// <summary>
/// The outcome of a registration: the session, or why there is none (the connection should close), or
/// <see cref="Wait"/>: the cluster has not answered the nick claim yet, and the front end offers the same input again
/// once it completes.
/// </summary>
internal readonly record struct Registration(CoreSession? Session, ErrorCode Refusal, string Problem, Task? Wait = null)
{
    public static Registration Refused(ErrorCode code, string problem) => new(null, code, problem);

    public static Registration Waiting(Task wait) => new(null, default, "", wait);
}
