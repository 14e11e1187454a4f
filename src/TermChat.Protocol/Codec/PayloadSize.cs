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

    /// <summary>
    /// The encoded size of a string field. The field's limit is enforced here as well as in the decoder,
    /// so the encoder never produces a frame that a conforming receiver must reject.
    /// </summary>
    /// <exception cref="ArgumentException">The string is longer than the field's limit.</exception>
    public static int Str(string value, int maxBytes)
    {
        int bytes = Encoding.UTF8.GetByteCount(value);
        if (bytes > maxBytes)
        {
            throw new ArgumentException($"A string field holds at most {maxBytes} UTF-8 bytes; this one has {bytes}.", nameof(value));
        }
        return U16 + bytes;
    }
}
