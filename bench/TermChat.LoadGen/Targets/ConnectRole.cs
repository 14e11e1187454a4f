namespace TermChat.LoadGen.Targets;

/// <summary>What a benchmark connection is for; decides its handshake.</summary>
public enum ConnectRole
{
    /// <summary>Joins the benchmark room and receives.</summary>
    Subscriber,

    /// <summary>Sends to the benchmark room (and joins it where the protocol requires membership to send).</summary>
    Publisher,

    /// <summary>Registers and then stays idle (the connections scenario).</summary>
    Idle,
}
