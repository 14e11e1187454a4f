using TermChat.BenchTools;

namespace TermChat.LoadGen.Tests;

public class NxDomainResponderTests
{
    [Fact]
    public void A_query_becomes_an_NXDOMAIN_answer_with_the_same_id_and_question()
    {
        // id 0xBEEF, RD set, one question: 1.0.0.127.in-addr.arpa PTR IN
        byte[] query = [0xBE, 0xEF, 0x01, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x01, (byte)'1', 0x00, 0x00, 0x0C, 0x00, 0x01];
        byte[] answer = (byte[])query.Clone();
        Assert.True(NxDomainResponder.TryAnswer(answer));
        Assert.Equal([0xBE, 0xEF, 0x81, 0x83, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, .. query[12..]], answer);
    }

    [Fact]
    public void Responses_and_runts_are_not_answered()
    {
        Assert.False(NxDomainResponder.TryAnswer(new byte[11]));
        Assert.False(NxDomainResponder.TryAnswer([0, 1, 0x81, 0x80, 0, 0, 0, 0, 0, 0, 0, 0]));
    }
}
