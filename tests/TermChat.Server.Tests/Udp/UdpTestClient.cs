using System.Threading.Channels;
using TermChat.Client.Transports;
using TermChat.Protocol;
using TermChat.Protocol.Messages;

namespace TermChat.Server.Tests.Udp;

/// <summary>
/// A protocol-level test client over the real <see cref="UdpTransport"/>: sends Hello, answers pings, and waits for
/// expected messages with timeouts (never sleeps).
/// </summary>
internal sealed class UdpTestClient : IAsyncDisposable
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(30);

    private readonly Channel<Message> _inbox = Channel.CreateUnbounded<Message>();
    private Task _reader = Task.CompletedTask;

    private UdpTestClient(UdpTransport transport) => Transport = transport;

    public UdpTransport Transport { get; }

    public Welcome Welcome { get; private set; } = null!;

    /// <summary>Completes with the link's failure (or null for an orderly end) when the transport ends.</summary>
    public TaskCompletionSource<Exception?> Ended { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public static async Task<UdpTestClient> ConnectAsync(ChatEndpoint endpoint, string nick, UdpTransportOptions? options = null,
        ResumeToken token = default, IEnumerable<RoomCursor>? cursors = null)
    {
        // The tests' links drop 30 % of datagrams on machines loaded far beyond their cores: the connect gets the tests'
        // whole allowance, not the interactive 10 s default.
        var client = new UdpTestClient(new UdpTransport(options ?? new UdpTransportOptions { ConnectTimeout = DefaultTimeout }));
        using var timeout = new CancellationTokenSource(DefaultTimeout);
        await client.Transport.ConnectAsync(endpoint, timeout.Token);
        client._reader = client.ReadLoopAsync();
        await client.SendAsync(new Hello(ProtocolLimits.Version, nick, token, (cursors ?? []).ToArray()));
        client.Welcome = await client.ReceiveAsync<Welcome>();
        return client;
    }

    public ValueTask SendAsync(Message message) => Transport.SendAsync(message, CancellationToken.None);

    public async Task<T> ReceiveAsync<T>(TimeSpan? timeout = null) where T : Message => (T)await ExpectAsync(m => m is T, timeout);

    public async Task<Message> ExpectAsync(Func<Message, bool> predicate, TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? DefaultTimeout);
        try
        {
            while (await _inbox.Reader.WaitToReadAsync(cts.Token))
            {
                while (_inbox.Reader.TryRead(out var message))
                {
                    if (predicate(message))
                    {
                        return message;
                    }
                }
            }
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"No expected message within {(timeout ?? DefaultTimeout).TotalSeconds:0.#} s.");
        }
        throw new TimeoutException("The link ended before the expected message.");
    }

    /// <summary>Collects the non-replayed room messages from <paramref name="from"/> until <paramref name="count"/> arrived.</summary>
    public async Task<List<string>> CollectTextsAsync(string from, int count, TimeSpan timeout)
    {
        var texts = new List<string>();
        var deadline = DateTime.UtcNow + timeout;
        while (texts.Count < count)
        {
            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero)
            {
                throw new TimeoutException($"Got {texts.Count} of {count} messages from {from}.");
            }
            var message = (RoomMessage)await ExpectAsync(m => m is RoomMessage { Replay: false } rm && rm.From == from, left);
            texts.Add(message.Text);
        }
        return texts;
    }

    public async ValueTask DisposeAsync()
    {
        await Transport.DisposeAsync();
        await _reader.WaitAsync(DefaultTimeout);
    }

    private async Task ReadLoopAsync()
    {
        try
        {
            await foreach (var message in Transport.Incoming.ReadAllAsync())
            {
                if (message is Ping ping)
                {
                    try
                    {
                        await Transport.SendAsync(new Pong(ping.Nonce), CancellationToken.None);
                    }
                    catch (ChatLinkException)
                    {
                        // Closing; the end of Incoming reports how.
                    }
                }
                await _inbox.Writer.WriteAsync(message);
            }
            Ended.TrySetResult(null);
        }
        catch (Exception e)
        {
            Ended.TrySetResult(e);
        }
        finally
        {
            _inbox.Writer.TryComplete();
        }
    }
}
