using TermChat.Protocol.Datagrams;

namespace TermChat.Server.Udp;

/// <summary>The drain at shutdown: sessions get their final frames out, then a Close.</summary>
internal sealed partial class UdpChatHandler
{
    /// <summary>At shutdown, how long a silence means nothing more will be acknowledged.</summary>
    private const long QuietMs = 250;

    private bool _stopping;
    private bool _sendRefused;
    private long _lastDatagramMs;

    /// <inheritdoc/>
    /// <remarks>
    /// The front end has already asked every session to close. While the socket still works, this waits (at most the drain
    /// time) for them to deliver their final frame, retransmitting as usual, but gives up once the peers have been
    /// silent for a moment and for two retransmission timeouts of any link still waiting for acknowledgements: then
    /// they are gone. Whatever remains gets a Close. In select mode <paramref name="pump"/> moves the datagrams
    /// meanwhile, since the select thread is the one waiting here.
    /// </remarks>
    public void Stop(Action? pump)
    {
        long start = NowMs();
        long deadline = start + (long)_options.ShutdownDrain.TotalMilliseconds;
        lock (_gate)
        {
            _stopping = true;
        }
        using var pause = new ManualResetEventSlim();
        while (true)
        {
            long now = NowMs();
            lock (_gate)
            {
                if (_links.Count == 0 || _sendRefused || now >= deadline || now - Math.Max(_lastDatagramMs, start) > QuietPeriodMs())
                {
                    break;
                }
            }
            pump?.Invoke();
            pause.Wait(10);
            OnTimer();
        }
        lock (_gate)
        {
            foreach (var link in _links.Values)
            {
                link.Session.Close(CloseCode.Shutdown, flush: false);
                Flush(link, NowMs());
            }
        }
        OnTimer();
        Dispose();
    }

    /// <summary>How long peers must be silent before Stop stops waiting for them. Called under <c>_gate</c>.</summary>
    private long QuietPeriodMs()
    {
        // A lost final frame is only resent after the link's RTO; giving up sooner would let the Close overtake it.
        long quiet = QuietMs;
        foreach (var link in _links.Values)
        {
            if (link.Session.HasOutstanding) quiet = Math.Max(quiet, 2L * link.Session.Stats.RtoMs);
        }
        return quiet;
    }
}
