using System.Text;

namespace TermChat.Protocol.Codec;

/// <summary>Sizes of encoded fields, so a frame is measured once and written in one span.</summary>
internal static class PayloadSize
{
    public const int U8 = 1;
    public const int U16 = 2;
    public const int U32 = 4;
    public const int U64 = 8;
    public const int Token = ProtocolLimits.ResumeTokenBytes;

    /// <exception cref="ArgumentException">The string is longer than a u16 length can describe.</exception>
    public static int Str(string value)
    {
        int bytes = Encoding.UTF8.GetByteCount(value);
        if (bytes > ushort.MaxValue)
        {
            throw new ArgumentException($"A string field holds at most {ushort.MaxValue} bytes; this one has {bytes}.", nameof(value));
        }
        return U16 + bytes;
    }
}
