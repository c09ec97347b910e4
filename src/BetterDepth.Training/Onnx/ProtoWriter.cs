using System.Runtime.InteropServices;
using System.Text;

namespace BetterDepth.Training.Onnx;

/// <summary>
/// The few pieces of the protobuf wire format an ONNX file needs: tag = field &lt;&lt; 3 | wire type, with wire
/// types 0 (varint), 2 (length-delimited) and 5 (fixed 32-bit). Fields are written in call order.
/// </summary>
internal sealed class ProtoWriter
{
    readonly MemoryStream buffer = new();

    public void Varint(int field, long value) { Tag(field, 0); RawVarint((ulong)value); }

    public void Fixed32(int field, float value)
    {
        Tag(field, 5);
        Span<byte> bytes = stackalloc byte[4];
        MemoryMarshal.Write(bytes, in value); // little-endian on every .NET target here, as protobuf wants
        buffer.Write(bytes);
    }

    public void String(int field, string value) => Bytes(field, Encoding.UTF8.GetBytes(value));

    public void Message(int field, ProtoWriter message) => Bytes(field, message.ToArray());

    public void Bytes(int field, ReadOnlySpan<byte> value)
    {
        Tag(field, 2);
        RawVarint((ulong)value.Length);
        buffer.Write(value);
    }

    public byte[] ToArray() => buffer.ToArray();

    void Tag(int field, int wireType) => RawVarint((ulong)(field << 3 | wireType));

    void RawVarint(ulong v)
    {
        while (v >= 0x80) { buffer.WriteByte((byte)(v | 0x80)); v >>= 7; }
        buffer.WriteByte((byte)v);
    }
}
