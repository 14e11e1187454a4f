using System.Runtime.InteropServices;

namespace TermChat.LoadGen.Net;

/// <summary>Sub-millisecond sleeps: Thread.Sleep rounds to whole milliseconds.</summary>
internal static partial class NativeSleep
{
    [LibraryImport("libc", EntryPoint = "usleep")]
    internal static partial int MicroSleep(uint microseconds);
}
