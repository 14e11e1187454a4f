using NSubstitute;
using TermChat.Server.Core;
using TermChat.Server.History;

namespace TermChat.Server.Tests.Core;

/// <summary>The room entries a substitute <see cref="ISessionSink"/> was given, in order.</summary>
internal static class SinkEntries
{
    public static IEnumerable<RoomEntry> Entries(this ISessionSink sink) =>
        sink.ReceivedCalls().Where(call => call.GetMethodInfo().Name == nameof(ISessionSink.Entry)).Select(call => (RoomEntry)call.GetArguments()[0]!);

    public static IEnumerable<RoomEntry> Events(this ISessionSink sink) => sink.Entries().Where(entry => entry.IsEvent);

    public static IEnumerable<RoomEntry> Messages(this ISessionSink sink) => sink.Entries().Where(entry => !entry.IsEvent);
}
