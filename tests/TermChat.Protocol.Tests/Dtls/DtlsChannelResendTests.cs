using System.Diagnostics;
using TermChat.Protocol.Security;

namespace TermChat.Protocol.Tests.Dtls;

/// <summary>
/// A handshake receive on <see cref="DtlsChannel"/> reports "nothing yet" at least every
/// <see cref="DtlsChannel.MaxHandshakeWaitMillis"/>, whatever wait BouncyCastle asked for, so a lost flight is resent
/// at least that often instead of after BouncyCastle's doubled timer (up to 60 s).
/// </summary>
public sealed class DtlsChannelResendTests
{
    [Fact]
    public void A_handshake_receive_asked_to_wait_30_s_reports_nothing_after_about_a_second_so_the_flight_is_resent()
    {
        var channel = new DtlsChannel(_ => { }, firstSequence: 0);
        var buffer = new byte[DtlsRecord.MaxDatagramBytes];
        var clock = Stopwatch.StartNew();

        int received = channel.Receive(buffer, 30_000);

        // Nothing arrived: -1 is BouncyCastle's cue to resend. Not before the cap (the clock only runs late under load),
        // and well before the wait asked for; the upper bound is generous for a loaded machine.
        Assert.Equal(-1, received);
        Assert.InRange(clock.ElapsedMilliseconds, DtlsChannel.MaxHandshakeWaitMillis - 50, 15_000);
    }

    [Fact]
    public void A_handshake_receive_asked_to_wait_less_than_the_cap_waits_only_that_long()
    {
        var channel = new DtlsChannel(_ => { }, firstSequence: 0);
        var buffer = new byte[DtlsRecord.MaxDatagramBytes];
        var clock = Stopwatch.StartNew();

        int received = channel.Receive(buffer, 100);

        Assert.Equal(-1, received);
        Assert.InRange(clock.ElapsedMilliseconds, 50, DtlsChannel.MaxHandshakeWaitMillis * 10);
    }
}
