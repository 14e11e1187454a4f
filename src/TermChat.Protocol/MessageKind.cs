namespace TermChat.Protocol;

/// <summary>What a room message is: plain speech or an action ("/me waves").</summary>
public enum MessageKind : byte
{
    Say = 0,
    Action = 1,
}
