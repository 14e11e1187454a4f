namespace TermChat.Server;

/// <summary>How the server moves bytes. Every mode shares the codec, the <see cref="Wire.WireFrontEnd"/> and the chat core behind it.</summary>
public enum ServerMode
{
    /// <summary>One thread runs <c>Socket.Select</c> over non-blocking sockets.</summary>
    Select,
    /// <summary>A blocking reader thread and a writer thread per client.</summary>
    Threads,
    /// <summary>async/await on sockets with zero-byte reads and one coalescing writer per socket.</summary>
    Async,
}
