using System.Buffers.Binary;

namespace BetterDepth.Imaging;

/// <summary>
/// Reads the frame size of a JPEG from its markers, without decoding, so that the real decoder is only ever
/// handed files whose claimed size is plausible for the number of bytes they contain.
/// </summary>
static class JpegHeader
{
    /// <summary>
    /// Even a flat progressive JPEG spends at least one bit per 8x8 block in its DC scan, so a file cannot
    /// describe more than 64 * 8 pixels per byte; anything claiming more is corrupt.
    /// </summary>
    const long MaxPixelsPerByte = 512;

    public static bool HasSignature(ReadOnlySpan<byte> bytes) => bytes.Length >= 3 && bytes[0] == 0xFF && bytes[1] == 0xD8 && bytes[2] == 0xFF;

    public static (int Width, int Height, int Components) ReadFrameSize(byte[] file, string path)
    {
        InvalidFileException Bad(string problem) => new(path, problem);
        if (!HasSignature(file)) throw Bad("not a JPEG file (wrong signature)");
        using var stream = new MemoryStream(file, writable: false);
        var frame = FrameHeader(stream, Bad);
        int height = BinaryPrimitives.ReadUInt16BigEndian(frame.AsSpan(1));
        int width = BinaryPrimitives.ReadUInt16BigEndian(frame.AsSpan(3));
        int components = frame[5];
        if (width == 0 || height == 0) throw Bad($"invalid frame size {width}x{height}");
        if (components is not (1 or 3 or 4)) throw Bad($"unsupported number of colour components {components}");
        if ((long)width * height > file.Length * MaxPixelsPerByte)
            throw Bad($"frame claims {width}x{height} pixels, impossible for a {file.Length}-byte file");
        // Inside entropy-coded data 0xFF is always followed by 0x00 or a restart marker, so an FF D9
        // pair after the frame header can only be the end-of-image marker; without it the file is cut short
        // (and decoders would silently fill the missing part with grey).
        if (file.AsSpan((int)stream.Position).IndexOf([(byte)0xFF, (byte)0xD9]) < 0) throw Bad("truncated (no end-of-image marker)");
        return (width, height, components);
    }

    /// <summary>
    /// The number of colour components the frame header declares (1 grey, 3 colour, 4 CMYK), found by seeking from
    /// marker to marker: only the segments' lengths are read, never the image data.
    /// </summary>
    public static int Components(Stream file, string path) => FrameHeader(file, problem => new InvalidFileException(path, problem))[5];

    /// <summary>
    /// Walks the marker segments from the start of the file to the frame header (SOF) and returns the segment after
    /// its length field (precision, height, width, components, ...), leaving the stream just after it.
    /// </summary>
    static byte[] FrameHeader(Stream file, Func<string, InvalidFileException> bad)
    {
        file.Position = 2;
        Span<byte> lengthField = stackalloc byte[2];
        while (true)
        {
            int b = file.ReadByte();
            if (b < 0) throw bad("truncated before the frame header (SOF)");
            if (b != 0xFF) throw bad($"expected a marker at byte {file.Position - 1}");
            // Markers may be preceded by any number of 0xFF fill bytes.
            while (b == 0xFF) b = file.ReadByte();
            if (b < 0) throw bad("truncated before the frame header (SOF)");
            byte marker = (byte)b;
            if (marker == 0xD9 || marker == 0xDA) throw bad("no frame header (SOF) before the image data");
            if (marker is 0x01 or >= 0xD0 and <= 0xD7) continue; // stand-alone markers carry no length
            if (file.ReadAtLeast(lengthField, 2, throwOnEndOfStream: false) < 2) throw bad("truncated marker segment");
            int length = BinaryPrimitives.ReadUInt16BigEndian(lengthField);
            if (length < 2 || file.Position - 2 + length > file.Length) throw bad($"marker 0x{marker:X2} segment of {length} bytes runs past the end of the file");
            bool isFrame = marker is >= 0xC0 and <= 0xCF and not 0xC4 and not 0xC8 and not 0xCC;
            if (isFrame)
            {
                if (length < 8) throw bad("frame header too short");
                var segment = new byte[length - 2];
                file.ReadExactly(segment);
                return segment;
            }
            file.Seek(length - 2, SeekOrigin.Current);
        }
    }
}
