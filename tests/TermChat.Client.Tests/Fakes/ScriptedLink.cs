using System.Threading.Channels;
using NSubstitute;
using TermChat.Client.Transports;
using TermChat.Protocol.Messages;

namespace TermChat.Client.Tests.Fakes;

/// <summary>An NSubstitute transport the test plays the server for: it reads what the client sent and feeds replies.</summary>
internal sealed class ScriptedLink
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);
    private readonly Channel<Message> _incoming = Channel.CreateUnbounded<Message>();
    private readonly Channel<Message> _sent = Channel.CreateUnbounded<Message>();

    public ScriptedLink(string name = "TCP")
    {
        Transport = Substitute.For<IChatTransport>();
        Transport.Name.Returns(name);
        Transport.Incoming.Returns(_incoming.Reader);
        Transport.Stats.Returns(new LinkStats(null, null));
        Transport.ConnectAsync(default!, default).ReturnsForAnyArgs(Task.CompletedTask);
        Transport.SendAsync(default!, default).ReturnsForAnyArgs(call =>
        {
            if (Closed)
            {
                throw new ChatLinkException("the connection is closed");
            }
            _sent.Writer.TryWrite(call.Arg<Message>());
            return ValueTask.CompletedTask;
        });
        Transport.CloseAsync(default).ReturnsForAnyArgs(_ =>
        {
            Closed = true;
            _incoming.Writer.TryComplete();
            return Task.CompletedTask;
        });
        Transport.DisposeAsync().Returns(_ =>
        {
            Closed = true;
            _incoming.Writer.TryComplete();
            return ValueTask.CompletedTask;
        });
    }

    public IChatTransport Transport { get; }

    public bool Closed { get; private set; }

    /// <summary>Delivers a message from "the server".</summary>
    public void Receive(params Message[] messages)
    {
        foreach (var message in messages)
        {
            _incoming.Writer.TryWrite(message);
        }
    }

    /// <summary>The server closes the link at once after <paramref name="messages"/>: they can still be read, but nothing can be sent.</summary>
    public void CloseAfter(params Message[] messages)
    {
        Receive(messages);
        Closed = true;
        _incoming.Writer.TryComplete();
    }

    /// <summary>The link fails the way a reset does.</summary>
    public void Fail(string reason = "the connection was reset by the server")
    {
        Closed = true;
        _incoming.Writer.TryComplete(new ChatLinkException(reason));
    }

    /// <summary>The next message the client sent.</summary>
    public async Task<Message> NextSentAsync() => await _sent.Reader.ReadAsync().AsTask().WaitAsync(Wait);

    /// <summary>The next message of type <typeparamref name="T"/> the client sent, skipping others.</summary>
    public async Task<T> NextSentAsync<T>() where T : Message
    {
        while (true)
        {
            if (await NextSentAsync() is T match)
            {
                return match;
            }
        }
    }

    /// <summary>Everything sent so far that has not been read.</summary>
    public List<Message> DrainSent()
    {
        var list = new List<Message>();
        while (_sent.Reader.TryRead(out var message))
        {
            list.Add(message);
        }
        return list;
    }
}
