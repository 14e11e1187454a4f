using TermChat.Protocol;

namespace TermChat.Server.Core;

/// <summary>The outcome of a registration: the session, or why there is none (the connection should close).</summary>
internal readonly record struct Registration(CoreSession? Session, ErrorCode Refusal, string Problem)
{
    public static Registration Refused(ErrorCode code, string problem) => new(null, code, problem);
}
