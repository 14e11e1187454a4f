using System.Text;
using TermChat.LoadGen.Targets;
using TermChat.Protocol;
using TermChat.Protocol.Codec;
using TermChat.Protocol.Messages;

namespace TermChat.LoadGen.Tests;

public class TermChatTargetTests
{
    [Fact]
    public void The_hand_written_SendMessage_frame_is_byte_for_byte_what_the_codec_writes()
    {
        var target = new TermChatTcpTarget();
        string text = "B0001000000000001000000000000abcd.....";
        var buffer = new byte[target.MaxMessageBytes(text.Length)];
        int length = target.WriteMessage(buffer, Encoding.ASCII.GetBytes(text));
        Assert.Equal(FrameEncoder.ToArray(new SendMessage("#bench", MessageKind.Say, text)), buffer[..length]);
        Assert.Equal(buffer.Length, length);
    }

    [Fact]
    public void Live_room_messages_are_reported_replays_and_other_frames_skipped_and_pings_answered()
    {
        byte[] stream =
        [
            .. FrameEncoder.ToArray(new RoomMessage("#bench", 7, 1, "p0", MessageKind.Say, "old", Replay: true)),
            .. FrameEncoder.ToArray(new RoomEvent("#bench", 8, 1, RoomEventKind.Join, "s1", "", false)),
            .. FrameEncoder.ToArray(new RoomMessage("#bench", 9, 2, "p0", MessageKind.Say, "first", Replay: false)),
            .. FrameEncoder.ToArray(new Ping(0x0102030405060708)),
            .. FrameEncoder.ToArray(new RoomMessage("#bench", 10, 3, "someone", MessageKind.Action, "second ✓", Replay: false)),
        ];
        var (texts, replies) = ScannerHarness.Feed(new TermChatFrameScanner(), stream);
        Assert.Equal(["first", "second ✓"], texts);
        Assert.Equal(FrameEncoder.ToArray(new Pong(0x0102030405060708)), Encoding.ASCII.GetBytes(replies));
    }

    [Fact]
    public void A_frame_split_anywhere_gives_the_same_messages()
    {
        byte[] stream =
        [
            .. FrameEncoder.ToArray(new RoomMessage("#bench", 9, 2, "p0", MessageKind.Say, "first", false)),
            .. FrameEncoder.ToArray(new Ping(5)),
            .. FrameEncoder.ToArray(new RoomMessage("#bench", 10, 3, "p0", MessageKind.Say, "second", false)),
        ];
        ScannerHarness.SplitsDoNotMatter(() => new TermChatFrameScanner(), stream);
    }

    [Fact]
    public void An_error_frame_is_remembered_with_its_code_and_text()
    {
        var scanner = new TermChatFrameScanner();
        ScannerHarness.Feed(scanner, FrameEncoder.ToArray(new Error(ErrorCode.SendQueueExceeded, "too slow")));
        Assert.Equal($"{ErrorCode.SendQueueExceeded}: too slow", scanner.LastError);
    }

    [Fact]
    public void A_negative_length_prefix_is_invalid_data()
    {
        Assert.Throws<InvalidDataException>(() => ScannerHarness.Feed(new TermChatFrameScanner(), [0xFF, 0xFF, 0xFF, 0xFF, 0x82]));
    }
}
