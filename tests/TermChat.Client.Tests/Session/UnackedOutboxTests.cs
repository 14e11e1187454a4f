using TermChat.Client.Session;
using TermChat.Protocol;
using TermChat.Protocol.Messages;

namespace TermChat.Client.Tests.Session;

public sealed class UnackedOutboxTests
{
    private static SendMessage Say(string text) => new("#lobby", MessageKind.Say, text);

    [Fact]
    public void The_watermark_stops_before_the_first_message_a_link_has_not_queued_yet()
    {
        var outbox = new UnackedOutbox();
        long first = outbox.Add(Say("one"));
        long second = outbox.Add(Say("two"));
        long third = outbox.Add(Say("three"));
        Assert.Equal(0, outbox.Watermark);

        outbox.MarkQueued(first);
        outbox.MarkQueued(third);
        Assert.Equal(first, outbox.Watermark);

        outbox.MarkQueued(second);
        Assert.Equal(third, outbox.Watermark);
    }

    [Fact]
    public void A_confirmation_forgets_what_it_covers_and_the_rest_is_resent_in_order_and_counts_as_queued()
    {
        var outbox = new UnackedOutbox();
        foreach (string text in (string[])["one", "two", "three"])
        {
            outbox.MarkQueued(outbox.Add(Say(text)));
        }

        outbox.ConfirmUpTo(1);
        long fourth = outbox.Add(Say("four"));

        Assert.Equal([Say("two"), Say("three"), Say("four")], outbox.TakeForResend());
        Assert.Equal((3, fourth), (outbox.Count, outbox.Watermark));
        outbox.ConfirmUpTo(fourth);
        Assert.Equal(0, outbox.Count);
    }
}
