namespace TermChat.Protocol;

/// <summary>The type byte of a frame. 0x01–0x1F go client to server, 0x20–0x2F either way, 0x80+ server to client.</summary>
public enum MessageType : byte
{
    Hello = 0x01,
    JoinRoom = 0x02,
    PartRoom = 0x03,
    SendMessage = 0x04,
    SendPrivate = 0x05,
    ChangeNick = 0x06,
    SetTopic = 0x07,
    SetAway = 0x08,
    ListMembers = 0x09,
    ListRooms = 0x0A,
    GetStats = 0x0B,
    SearchHistory = 0x0C,

    Ping = 0x20,
    Pong = 0x21,
    Bye = 0x22,

    Welcome = 0x81,
    RoomMessage = 0x82,
    RoomEvent = 0x83,
    PrivateMessage = 0x84,
    RoomJoined = 0x85,
    RoomParted = 0x86,
    MemberList = 0x87,
    RoomList = 0x88,
    HistoryBegin = 0x89,
    HistoryEnd = 0x8A,
    NickChanged = 0x8B,
    Notice = 0x8C,
    Stats = 0x8D,
    Error = 0x8E,
    SearchResults = 0x8F,
}
